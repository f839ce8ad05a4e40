"""DingTalk's official Stream SDK (`dingtalk-stream`), unchanged, as an app taking card
clicks (its `CallbackHandler` on `/v1.0/card/instances/callback`): a click on a STREAM
card reaches the handler as a CALLBACK frame with who clicked which button, and the
`{"response": …}` the SDK answers with changes the card (reference section 9.5)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alibabacloud_dingtalk.card_1_0 import models as card_models
from alibabacloud_dingtalk.card_1_0.client import Client as CardClient

from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.conftest import Streaming
from releasegate.simulators.dingtalk.tests.official_stream import WAIT, OfficialStreamClient
from releasegate.tests.waiting import eventually

OUT_TRACK_ID = "rg-instance-1-61000000001"


@pytest.fixture
def card_app(streaming: Streaming) -> Iterator[OfficialStreamClient]:
    client = OfficialStreamClient(streaming[0], cards=True)
    try:
        eventually(streaming[1].stream.open_connections, timeout=WAIT)
        yield client
    finally:
        client.stop()


def _deliver_stream_card(streaming: Streaming) -> None:
    simulator = streaming[0]
    token = official_sdk.access_token(simulator)
    CardClient(official_sdk.config(simulator)).create_and_deliver_with_options(
        card_models.CreateAndDeliverRequest(
            card_template_id="releasegate-approval.schema",
            out_track_id=OUT_TRACK_ID,
            callback_type="STREAM",
            card_data=card_models.CreateAndDeliverRequestCardData(
                card_param_map={"status_text": "等待 lisi 审批"}
            ),
            open_space_id="dtv1.card//IM_ROBOT.lisi",
            im_robot_open_space_model=card_models.CreateAndDeliverRequestImRobotOpenSpaceModel(
                support_forward=False
            ),
            im_robot_open_deliver_model=card_models.CreateAndDeliverRequestImRobotOpenDeliverModel(
                space_type="IM_ROBOT"
            ),
        ),
        card_models.CreateAndDeliverHeaders(x_acs_dingtalk_access_token=token),
        official_sdk.RUNTIME,
    )


def test_a_click_reaches_the_sdks_handler_and_its_answer_changes_the_card(
    streaming: Streaming, card_app: OfficialStreamClient
) -> None:
    _deliver_stream_card(streaming)
    (connection,) = streaming[1].stream.open_connections()

    clicked = streaming[1].click(OUT_TRACK_ID, "lisi", "agree")
    handled = card_app.next_event()

    assert {"type": "CALLBACK", "topic": "/v1.0/card/instances/callback"} in connection[
        "subscriptions"
    ]
    assert (handled["topic"], handled["out_track_id"], handled["user_id"]) == (
        "/v1.0/card/instances/callback",
        OUT_TRACK_ID,
        "lisi",
    )
    assert handled["content"]["cardPrivateData"]["actionIds"] == ["agree"]
    assert clicked["outcome"] == "answered"
    assert clicked["card"]["public"]["status_text"] == "lisi agree"
