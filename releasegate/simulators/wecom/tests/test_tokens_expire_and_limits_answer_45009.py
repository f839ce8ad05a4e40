from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests import official_sdk
from releasegate.simulators.wecom.tests.conftest import DEMO

TEMPLATE = {"template_id": DEMO.template_id}


def test_a_missing_or_unknown_token_is_refused(wecom: WeComSimulator) -> None:
    missing = httpx.post(f"{wecom.url}cgi-bin/oa/gettemplatedetail", json=TEMPLATE).json()
    unknown = httpx.post(
        f"{wecom.url}cgi-bin/oa/gettemplatedetail",
        params={"access_token": "made-up"},
        json=TEMPLATE,
    ).json()

    assert (missing["errcode"], unknown["errcode"]) == (41001, 40014)


def test_a_wrong_corpid_is_40013(wecom: WeComSimulator) -> None:
    answer = httpx.get(
        f"{wecom.url}cgi-bin/gettoken", params={"corpid": "wwnope", "corpsecret": "x"}
    ).json()

    assert answer["errcode"] == 40013


def test_an_expired_token_is_42001_until_a_new_one_is_fetched(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    wecom_sim.expire_tokens()

    expired = api.post("oa/gettemplatedetail", json=TEMPLATE).json()
    fresh = api.get(
        "gettoken", params={"corpid": DEMO.corp_id, "corpsecret": DEMO.corp_secret}
    ).json()
    again = api.post(
        "oa/gettemplatedetail", params={"access_token": fresh["access_token"]}, json=TEMPLATE
    ).json()

    assert expired["errcode"] == 42001
    assert fresh["access_token"] != api.params["access_token"]
    assert again["errcode"] == 0


def test_the_sdk_refreshes_its_token_after_42001(sdk: Any, wecom_sim: WeComControl) -> None:
    sdk.OA.get_template_detail(DEMO.template_id)
    wecom_sim.expire_tokens()

    answer = sdk.OA.get_template_detail(DEMO.template_id)

    assert answer["errcode"] == 0
    assert [r["errcode"] for r in wecom_sim.requests("/cgi-bin/oa/gettemplatedetail")] == [
        0,
        42001,
        0,
    ]


def test_the_approval_apis_allow_600_a_minute_then_answer_45009(
    start_wecom: Callable[..., WeComSimulator],
) -> None:
    wecom = start_wecom(rate_limits={"oa.gettemplatedetail": 3})
    control = WeComControl(wecom.url)
    sdk = official_sdk.client(wecom)
    token = sdk.access_token
    url = f"{wecom.url}cgi-bin/oa/gettemplatedetail"

    codes = [
        httpx.post(url, params={"access_token": token}, json=TEMPLATE).json()["errcode"]
        for _ in range(4)
    ]
    control.advance(60)
    later = httpx.post(url, params={"access_token": token}, json=TEMPLATE).json()

    assert codes == [0, 0, 0, 45009]
    assert later["errcode"] == 0
    control.close()


def test_counted_faults_answer_the_next_calls_then_stop(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    wecom_sim.set_faults(server_error=1, invalid_token=1, rate_limited=1)

    answers = [api.post("oa/gettemplatedetail", json=TEMPLATE) for _ in range(4)]

    assert {a.status_code for a in answers} == {200}
    assert [a.json()["errcode"] for a in answers] == [-1, 40014, 45009, 0]
    assert [r["fault"] for r in wecom_sim.requests()][-4:] == [
        "server_error",
        "invalid_token",
        "rate_limited",
        "",
    ]
