"""Each failure is an OutboundError with the right verdict: the monthly quota is permanent
and says so (no retry helps before next month); 5xx, "system busy" and timeouts are
transient; a request DingTalk finds wrong is permanent."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.clocks import RecordedSleeps
from releasegate.lib.http import OutboundError, Timeouts
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

Connect = Callable[..., DingTalkClient]


def test_the_monthly_quota_is_permanent_and_not_retried(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_client.access_token()
    dingtalk_sim.set_faults(quota=5)

    with pytest.raises(errors.QuotaExhausted) as raised:
        dingtalk_client.get_instance("any")

    assert raised.value.permanent
    assert raised.value.code == "Forbidden.AccessDenied.ApiCountLimitForOrg"
    assert "monthly DingTalk API quota is used up" in str(raised.value)
    assert len(dingtalk_sim.requests("/v1.0/workflow/processInstances")) == 1


def test_the_older_apis_quota_errcode_is_permanent_too(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_client.access_token()
    dingtalk_sim.set_faults(quota=1)

    with pytest.raises(errors.QuotaExhausted) as raised:
        dingtalk_client.send_work_notification(["lisi"], "发布", "内容")

    assert (raised.value.permanent, raised.value.code) == (True, 90020)


def test_a_server_error_is_transient(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_client.access_token()
    dingtalk_sim.set_faults(server_error=1)

    with pytest.raises(errors.DingTalkUnavailable) as raised:
        dingtalk_client.get_instance("any")

    assert (raised.value.permanent, raised.value.status) == (False, 503)


def test_a_timeout_is_transient(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, connect_dingtalk: Connect
) -> None:
    client = connect_dingtalk(dingtalk, timeouts=Timeouts.uniform(0.2), sleep=RecordedSleeps())
    dingtalk_sim.set_faults(latency_ms=500)

    with pytest.raises(OutboundError) as raised:
        client.access_token()

    assert not raised.value.permanent
    assert "timed out" in str(raised.value)


def test_a_refused_request_is_permanent(dingtalk_client: DingTalkClient) -> None:
    with pytest.raises(errors.InvalidRequest) as raised:
        dingtalk_client.list_instance_ids("PROC-RELEASEGATE-DEMO", 0)

    assert raised.value.permanent
    assert (raised.value.status, raised.value.code) == (400, "invalidParameter")


def test_old_api_system_busy_is_transient() -> None:
    error = errors.oapi_error(-1, "系统繁忙", "a work notification")

    assert isinstance(error, errors.DingTalkUnavailable)
    assert not error.permanent
