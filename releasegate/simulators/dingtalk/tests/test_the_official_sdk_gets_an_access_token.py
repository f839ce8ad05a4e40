"""The official SDK's `oauth2_1_0` GetAccessToken against the simulator: the app's
credentials give a token for 7200 s that opens the v1.0 API; a wrong secret is refused
with the code the SDK raises."""

from __future__ import annotations

import pytest
from alibabacloud_dingtalk.oauth2_1_0 import models as oauth2_models
from Tea.exceptions import TeaException

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.conftest import FORM


def _request(simulator: DingTalkSimulator, secret: str) -> oauth2_models.GetAccessTokenRequest:
    return oauth2_models.GetAccessTokenRequest(
        app_key=simulator.settings.app_key, app_secret=secret
    )


def test_the_app_credentials_give_a_token_for_7200_seconds(dingtalk: DingTalkSimulator) -> None:
    answer = official_sdk.oauth2(dingtalk).get_access_token(
        _request(dingtalk, dingtalk.settings.app_secret)
    )

    assert answer.status_code == 200
    assert answer.body.access_token
    assert answer.body.expire_in == 7200
    assert official_sdk.undeclared(answer.body) == []


def test_the_token_opens_the_v1_api_in_the_sdks_header(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    token = official_sdk.access_token(dingtalk)

    answer = official_sdk.get_instance(dingtalk, token, instance_id)

    assert answer.body.result.originator_user_id == "zhangsan"


def test_a_wrong_secret_raises_invalid_client_id_or_secret(dingtalk: DingTalkSimulator) -> None:
    with pytest.raises(TeaException) as raised:
        official_sdk.oauth2(dingtalk).get_access_token(_request(dingtalk, "not-the-secret"))

    assert raised.value.code == "invalidClientIdOrSecret"
    assert raised.value.data["statusCode"] == 400
