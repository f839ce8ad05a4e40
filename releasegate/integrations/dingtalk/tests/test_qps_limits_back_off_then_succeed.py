"""DingTalk's QPS limits ("调用频次与限流": sleep a second and retry): the client backs off
about a second with jitter, tries three times in all, and then gives up transiently;
in both dialects (v1.0: HTTP 403 + code; oapi: HTTP 200 + errcode 90018)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.clocks import RecordedSleeps
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

Connect = Callable[..., DingTalkClient]
GET_PATH = "/v1.0/workflow/processInstances"
WORK_PATH = "/topapi/message/corpconversation/asyncsend_v2"


@pytest.fixture
def sleeps() -> RecordedSleeps:
    return RecordedSleeps()


@pytest.fixture
def client(
    dingtalk: DingTalkSimulator, connect_dingtalk: Connect, sleeps: RecordedSleeps
) -> DingTalkClient:
    return connect_dingtalk(dingtalk, sleep=sleeps)


def test_it_backs_off_and_succeeds_when_the_limit_lifts(
    client: DingTalkClient, dingtalk_sim: DingTalkControl, sleeps: RecordedSleeps
) -> None:
    instance_id = dingtalk_sim.submit(form={"项目名称": "mall", "应用名称": "web"})
    client.access_token()
    dingtalk_sim.set_faults(qps_limit=2)

    assert client.get_instance(instance_id).instance_id == instance_id

    assert [r["status"] for r in dingtalk_sim.requests(GET_PATH)] == [403, 403, 200]
    assert len(sleeps.seconds) == 2
    assert all(1.0 <= seconds <= 1.5 for seconds in sleeps.seconds)


def test_it_gives_up_transiently_after_three_attempts(
    client: DingTalkClient, dingtalk_sim: DingTalkControl, sleeps: RecordedSleeps
) -> None:
    client.access_token()
    dingtalk_sim.set_faults(qps_limit=5)

    with pytest.raises(errors.RateLimited) as raised:
        client.get_instance("any")

    assert not raised.value.permanent
    assert raised.value.code == "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
    assert "after 3 attempts" in str(raised.value)
    assert len(dingtalk_sim.requests(GET_PATH)) == 3
    assert len(sleeps.seconds) == 2


def test_the_older_apis_errcode_90018_is_retried_too(
    client: DingTalkClient, dingtalk_sim: DingTalkControl, sleeps: RecordedSleeps
) -> None:
    client.access_token()
    dingtalk_sim.set_faults(qps_limit=1)

    client.send_work_notification(["lisi"], "发布", "内容")

    assert [r["status"] for r in dingtalk_sim.requests(WORK_PATH)] == [200, 200]
    assert len(dingtalk_sim.messages("work_notification")) == 1
    assert len(sleeps.seconds) == 1
