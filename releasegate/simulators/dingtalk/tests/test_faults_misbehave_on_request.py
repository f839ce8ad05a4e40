"""Faults on request: the next N token-carrying calls answer a QPS limit, the monthly
quota error, a refused token, a 401, the gateway's 502 or 503 or DingTalk's own system
error, each in the dialect of the API called; the
token endpoint and the control API are never counted; latency delays every API call."""

from __future__ import annotations

import time

import httpx
import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.conftest import DEMO

INSTANCES = "v1.0/workflow/processInstances"
FAILED = "call_back/get_call_back_failed_result"


def get(v1: httpx.Client) -> httpx.Response:
    return v1.get(INSTANCES, params={"processInstanceId": "x"})


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ("qps_limit", 403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"),
        ("quota", 403, "Forbidden.AccessDenied.ApiCountLimitForOrg"),
        ("invalid_token", 400, "InvalidAuthentication"),
        ("unauthorized", 401, "InvalidAuthentication"),
    ],
)
def test_v1_calls_answer_the_fault_then_normally(
    v1: httpx.Client, dingtalk_sim: DingTalkControl, fault: str, status: int, code: str
) -> None:
    dingtalk_sim.set_faults(**{fault: 2})

    answers = [get(v1) for _ in range(3)]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(status, code)] * 2 + [
        (400, "processInstanceNotExist")
    ]
    assert [r["fault"] for r in dingtalk_sim.requests("/" + INSTANCES)] == [fault, fault, ""]


@pytest.mark.parametrize(("fault", "errcode"), [("qps_limit", 90018), ("quota", 90020)])
def test_older_api_calls_answer_errcodes(
    api: httpx.Client, token: str, dingtalk_sim: DingTalkControl, fault: str, errcode: int
) -> None:
    dingtalk_sim.set_faults(**{fault: 1})

    answer = api.get(FAILED, params={"access_token": token})

    assert (answer.status_code, answer.json()["errcode"]) == (200, errcode)


@pytest.mark.parametrize(("fault", "status"), [("server_error", 503), ("bad_gateway", 502)])
def test_the_gateway_answers_its_own_html_page(
    v1: httpx.Client, dingtalk_sim: DingTalkControl, fault: str, status: int
) -> None:
    dingtalk_sim.set_faults(**{fault: 1})

    answer = get(v1)

    assert (answer.status_code, answer.headers["content-type"]) == (status, "text/html")
    assert get(v1).status_code == 400


def test_a_system_error_is_a_500_on_v1_and_errcode_minus_1_on_the_older_api(
    v1: httpx.Client, token: str, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_sim.set_faults(system_error=2)

    first = get(v1)
    second = v1.get(FAILED, params={"access_token": token})

    assert (first.status_code, first.json()["code"]) == (500, "systemError")
    assert (second.status_code, second.json()["errcode"]) == (200, -1)


def test_the_token_endpoint_is_not_counted(
    api: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_sim.set_faults(qps_limit=1)

    answer = api.post(
        "v1.0/oauth2/accessToken", json={"appKey": DEMO.app_key, "appSecret": DEMO.app_secret}
    )

    assert answer.status_code == 200
    assert dingtalk_sim.faults()["qps_limit"] == 1


def test_latency_delays_every_api_call(api: httpx.Client, dingtalk_sim: DingTalkControl) -> None:
    dingtalk_sim.set_faults(latency_ms=200)

    started = time.monotonic()
    api.get("gettoken", params={"appkey": DEMO.app_key, "appsecret": DEMO.app_secret})

    assert time.monotonic() - started >= 0.2


def test_an_unknown_fault_is_refused(dingtalk_sim: DingTalkControl) -> None:
    with pytest.raises(SimulatorRefused) as raised:
        dingtalk_sim.set_faults(meltdown=1)

    assert raised.value.status == 400
    assert "meltdown" in raised.value.message
