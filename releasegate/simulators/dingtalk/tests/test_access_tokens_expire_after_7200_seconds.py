"""Tokens as "获取企业内部应用的accessToken" describes them: 7200 s of life by the
simulator's clock, the same token while it is valid, the app's credentials checked; the
v1.0 API takes it only in its header, the older API only in the query."""

from __future__ import annotations

import httpx

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.conftest import DEMO

CREDENTIALS = {"appKey": DEMO.app_key, "appSecret": DEMO.app_secret}
HEADER = "x-acs-dingtalk-access-token"
INSTANCES = "v1.0/workflow/processInstances"
FAILED = "call_back/get_call_back_failed_result"


def fetch(api: httpx.Client) -> httpx.Response:
    return api.post("v1.0/oauth2/accessToken", json=CREDENTIALS)


def test_it_answers_the_documented_shape(api: httpx.Client) -> None:
    answer = fetch(api)

    assert answer.status_code == 200
    assert set(answer.json()) == {"accessToken", "expireIn"}
    assert answer.json()["expireIn"] == 7200


def test_it_returns_the_same_token_while_it_is_valid(
    api: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    first = fetch(api).json()["accessToken"]
    dingtalk_sim.advance(7000)
    second = fetch(api).json()["accessToken"]
    # Fetching extended it: 7000 s later it is still the same.
    dingtalk_sim.advance(7000)

    assert fetch(api).json()["accessToken"] == first == second


def test_a_token_stops_working_after_7200_seconds(
    api: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    token = fetch(api).json()["accessToken"]
    headers = {HEADER: token}
    assert api.get(INSTANCES, params={"processInstanceId": "x"}, headers=headers).status_code == 400

    dingtalk_sim.advance(7201)
    answer = api.get(INSTANCES, params={"processInstanceId": "x"}, headers=headers)

    assert answer.status_code == 400
    assert answer.json()["code"] == "InvalidAuthentication"
    assert answer.json()["message"] == "不合法的access_token"
    assert "requestid" in answer.json()
    assert fetch(api).json()["accessToken"] != token


def test_wrong_app_credentials_are_refused(api: httpx.Client) -> None:
    answer = api.post(
        "v1.0/oauth2/accessToken", json={"appKey": DEMO.app_key, "appSecret": "wrong"}
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalidClientIdOrSecret"


def test_the_v1_api_ignores_a_token_in_the_query(api: httpx.Client) -> None:
    token = fetch(api).json()["accessToken"]

    answer = api.get(INSTANCES, params={"processInstanceId": "x", "access_token": token})

    assert (answer.status_code, answer.json()["code"]) == (400, "InvalidAuthentication")


def test_the_older_api_takes_the_same_token_in_the_query(api: httpx.Client) -> None:
    token = fetch(api).json()["accessToken"]

    refused = api.get(FAILED, params={"access_token": "not-a-token"})
    accepted = api.get(FAILED, params={"access_token": token})

    assert (refused.status_code, refused.json()["errcode"]) == (200, 40014)
    assert accepted.json() == {"errcode": 0, "errmsg": "ok", "failed_list": [], "has_more": False}


def test_gettoken_gives_the_same_token(api: httpx.Client) -> None:
    token = fetch(api).json()["accessToken"]

    answer = api.get("gettoken", params={"appkey": DEMO.app_key, "appsecret": DEMO.app_secret})

    assert answer.json() == {
        "errcode": 0,
        "errmsg": "ok",
        "access_token": token,
        "expires_in": 7200,
    }
