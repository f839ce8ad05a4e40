"""The access token: fetched once, cached for about 7000 of its 7200 s (by the client's
clock), and refreshed once, with the call retried, when DingTalk says it is no longer
valid (400 InvalidAuthentication or 401)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.clocks import FakeClock
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

TOKEN_PATH = "/v1.0/oauth2/accessToken"
Connect = Callable[..., DingTalkClient]


def token_fetches(sim: DingTalkControl) -> int:
    return len(sim.requests(TOKEN_PATH))


def test_it_fetches_one_token_for_many_calls(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit(form={"项目名称": "mall", "应用名称": "web"})

    for _ in range(3):
        dingtalk_client.get_instance(instance_id)
    dingtalk_client.send_work_notification(["lisi"], "发布", f"实例 {instance_id}")

    assert token_fetches(dingtalk_sim) == 1


def test_it_fetches_again_after_about_7000_seconds_of_its_clock(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, connect_dingtalk: Connect
) -> None:
    clock = FakeClock()
    client = connect_dingtalk(dingtalk, clock=clock)
    first = client.access_token()

    clock.advance(6_999)
    assert client.access_token() == first
    assert token_fetches(dingtalk_sim) == 1

    clock.advance(2)
    # DingTalk hands out the same token while it is valid, and extends it.
    assert client.access_token() == first
    assert token_fetches(dingtalk_sim) == 2


def test_it_refreshes_and_retries_once_when_dingtalk_expired_the_token(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit(form={"项目名称": "mall", "应用名称": "web"})
    old = dingtalk_client.access_token()

    dingtalk_sim.advance(7_201)
    instance = dingtalk_client.get_instance(instance_id)

    assert instance.instance_id == instance_id
    assert dingtalk_client.access_token() != old
    assert [r["status"] for r in dingtalk_sim.requests("/v1.0/workflow/processInstances")] == [
        400,
        200,
    ]
    assert token_fetches(dingtalk_sim) == 2


@pytest.mark.parametrize("fault", ["invalid_token", "unauthorized"])
def test_it_refreshes_on_invalid_authentication_and_on_401(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, fault: str
) -> None:
    instance_id = dingtalk_sim.submit(form={"项目名称": "mall", "应用名称": "web"})
    dingtalk_client.access_token()
    dingtalk_sim.set_faults(**{fault: 1})

    assert dingtalk_client.get_instance(instance_id).instance_id == instance_id
    assert token_fetches(dingtalk_sim) == 2


def test_it_refreshes_for_the_older_api_too(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_client.access_token()
    dingtalk_sim.expire_tokens()

    dingtalk_client.send_work_notification(["lisi"], "发布", "第一条")

    work = "/topapi/message/corpconversation/asyncsend_v2"
    assert [r["status"] for r in dingtalk_sim.requests(work)] == [200, 200]
    assert len(dingtalk_sim.messages("work_notification")) == 1


def test_it_gives_up_transiently_when_the_fresh_token_is_refused_too(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_sim.set_faults(invalid_token=2)

    with pytest.raises(errors.TokenRejected) as raised:
        dingtalk_client.get_instance("any")

    assert not raised.value.permanent
    assert len(dingtalk_sim.requests("/v1.0/workflow/processInstances")) == 2


def test_it_refuses_wrong_app_credentials_permanently(
    dingtalk: DingTalkSimulator, connect_dingtalk: Connect
) -> None:
    client = connect_dingtalk(dingtalk, app_secret="not-the-app-secret")

    with pytest.raises(errors.AuthenticationFailed) as raised:
        client.get_instance("any")

    assert raised.value.permanent
    assert raised.value.code == "invalidClientIdOrSecret"
