"""Failures as the official SDK reports them: every v1.0 refusal of the simulator (HTTP
status + `{"code", "message", "requestid"}`) raises the SDK's TeaException with that
code and status, whether the API refused the call itself or a fault was injected."""

from __future__ import annotations

from typing import Any

import pytest
from Tea.exceptions import TeaException

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.conftest import FORM


def _raised(simulator: DingTalkSimulator, token: str, instance_id: str) -> tuple[Any, Any]:
    """The code and HTTP status of the TeaException reading the instance raises."""
    with pytest.raises(TeaException) as raised:
        official_sdk.get_instance(simulator, token, instance_id)
    return raised.value.code, (raised.value.data or {}).get("statusCode")


def test_an_unknown_instance_raises_process_instance_not_exist(
    dingtalk: DingTalkSimulator, sdk_token: str
) -> None:
    assert _raised(dingtalk, sdk_token, "no-such-instance") == ("processInstanceNotExist", 400)


def test_a_token_dingtalk_never_gave_raises_invalid_authentication(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    assert _raised(dingtalk, "not-a-token", instance_id) == ("InvalidAuthentication", 400)


def test_an_expired_token_raises_invalid_authentication_until_a_new_one_is_fetched(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.expire_tokens()

    assert _raised(dingtalk, sdk_token, instance_id) == ("InvalidAuthentication", 400)
    fresh = official_sdk.access_token(dingtalk)
    assert fresh != sdk_token
    assert official_sdk.get_instance(dingtalk, fresh, instance_id).body.result.status == "RUNNING"


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        ("qps_limit", "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", 403),
        ("quota", "Forbidden.AccessDenied.ApiCountLimitForOrg", 403),
        ("invalid_token", "InvalidAuthentication", 400),
        ("unauthorized", "InvalidAuthentication", 401),
    ],
)
def test_an_injected_fault_raises_its_code_once(
    dingtalk: DingTalkSimulator,
    dingtalk_sim: DingTalkControl,
    sdk_token: str,
    fault: str,
    code: str,
    status: int,
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.set_faults(**{fault: 1})

    assert _raised(dingtalk, sdk_token, instance_id) == (code, status)
    afterwards = official_sdk.get_instance(dingtalk, sdk_token, instance_id)
    assert afterwards.body.result.status == "RUNNING"


def test_a_503_page_raises_a_tea_exception_without_a_code(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    """The simulator's 503 is an HTML page, as a gateway in front of DingTalk would
    send; the SDK fails to read it as JSON and says so."""
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.set_faults(server_error=1)

    with pytest.raises(TeaException) as raised:
        official_sdk.get_instance(dingtalk, sdk_token, instance_id)

    assert raised.value.code is None
    assert "503 Service Temporarily Unavailable" in str(raised.value)
