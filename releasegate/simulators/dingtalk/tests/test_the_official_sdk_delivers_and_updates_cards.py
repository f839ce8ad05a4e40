"""The official SDK's `card_1_0` (RegisterCallback, CreateAndDeliver, UpdateCard;
reference sections 9.4, 9.6, 9.7), unchanged, against the simulator: a card goes to one
person's robot chat with data only they see, one `outTrackId` never makes two cards,
an unpublished template and non-string values are refused with DingTalk's codes, and an
update merges key by key when asked to."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_dingtalk.card_1_0 import models as card_models
from alibabacloud_dingtalk.card_1_0.client import Client as CardClient
from Tea.exceptions import TeaException

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk

TEMPLATE = "releasegate-approval.schema"


def _deliver(simulator: DingTalkSimulator, token: str, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "card_template_id": TEMPLATE,
        "out_track_id": "rg-instance-1-61000000001",
        "callback_type": "HTTP",
        "callback_route_key": "releasegate",
        "card_data": card_models.CreateAndDeliverRequestCardData(
            card_param_map={"title": "待你审批", "status_text": "等待 lisi 审批"}
        ),
        "private_data": {"lisi": card_models.PrivateDataValue(card_param_map={"can_act": "true"})},
        "open_space_id": "dtv1.card//IM_ROBOT.lisi",
        "im_robot_open_space_model": card_models.CreateAndDeliverRequestImRobotOpenSpaceModel(
            support_forward=False
        ),
        "im_robot_open_deliver_model": card_models.CreateAndDeliverRequestImRobotOpenDeliverModel(
            space_type="IM_ROBOT"
        ),
        "user_id_type": 1,
        **overrides,
    }
    return CardClient(official_sdk.config(simulator)).create_and_deliver_with_options(
        card_models.CreateAndDeliverRequest(**fields),
        card_models.CreateAndDeliverHeaders(x_acs_dingtalk_access_token=token),
        official_sdk.RUNTIME,
    )


@pytest.fixture
def registered(dingtalk: DingTalkSimulator, sdk_token: str) -> None:
    CardClient(official_sdk.config(dingtalk)).register_callback_with_options(
        card_models.RegisterCallbackRequest(
            callback_route_key="releasegate",
            callback_url="http://127.0.0.1:9/dingtalk/card",
            api_secret="card-callback-secret",
            force_update=True,
        ),
        card_models.RegisterCallbackHeaders(x_acs_dingtalk_access_token=sdk_token),
        official_sdk.RUNTIME,
    )


@pytest.mark.usefixtures("registered")
def test_a_card_reaches_one_persons_robot_chat_once(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    delivered = _deliver(dingtalk, sdk_token)

    assert delivered.body.success is True
    [result] = delivered.body.result.deliver_results
    assert (result.space_type, result.space_id, result.success) == ("IM_ROBOT", "lisi", True)
    with pytest.raises(TeaException) as again:
        _deliver(dingtalk, sdk_token)
    assert again.value.code == "param.cardAlreadyExist"
    [card] = dingtalk_sim.cards()
    assert card["private"] == {"lisi": {"can_act": "true"}}


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"card_template_id": "never-published.schema"}, "param.templateNotExist"),
        ({"open_space_id": "dtv1.card//IM_GROUP.cid"}, "param.openSpaceIdInvalid"),
        ({"open_space_id": "dtv1.card//IM_ROBOT.nobody"}, "param.userIdNotExist"),
        ({"out_track_id": ""}, "param.outTrackIdEmpty"),
        (
            {"card_data": card_models.CreateAndDeliverRequestCardData(card_param_map={"n": 1})},
            "param.invalid",
        ),
    ],
)
def test_what_dingtalk_would_not_deliver_is_refused_with_its_code(
    dingtalk: DingTalkSimulator, sdk_token: str, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(TeaException) as refused:
        _deliver(dingtalk, sdk_token, **overrides)

    assert refused.value.code == code


@pytest.mark.usefixtures("registered")
def test_an_update_merges_key_by_key_when_asked(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    _deliver(dingtalk, sdk_token)

    updated = CardClient(official_sdk.config(dingtalk)).update_card_with_options(
        card_models.UpdateCardRequest(
            out_track_id="rg-instance-1-61000000001",
            card_data=card_models.UpdateCardRequestCardData(
                card_param_map={"status_text": "已结束"}
            ),
            private_data={
                "lisi": card_models.PrivateDataValue(card_param_map={"can_act": "false"})
            },
            card_update_options=card_models.UpdateCardRequestCardUpdateOptions(
                update_card_data_by_key=True, update_private_data_by_key=True
            ),
            user_id_type=1,
        ),
        card_models.UpdateCardHeaders(x_acs_dingtalk_access_token=sdk_token),
        official_sdk.RUNTIME,
    )

    assert updated.body.success is True
    [card] = dingtalk_sim.cards()
    assert card["public"] == {"title": "待你审批", "status_text": "已结束"}
    assert card["private"] == {"lisi": {"can_act": "false"}}
