from __future__ import annotations

from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry

from releasegate.cli.demo import DEMO_USER
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.errors import MessageRejected
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.integrations.jenkins.errors import NotFound
from releasegate.integrations.jenkins.session import READ_ATTEMPTS
from releasegate.lib import http
from releasegate.lib.http import OutboundError, Timeouts
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

# The seam's own metrics, without the database gauges of the process-wide registry.
SEAM = CollectorRegistry()
for metric in (http.CALLS, http.FAILURES, http.DURATION):
    SEAM.register(metric)


class Counted:
    """How much a metric's samples grew since this was made."""

    def __init__(self, name: str, **labels: str) -> None:
        self.name, self.labels = name, labels
        self.start = self._now()

    def _now(self) -> float:
        return SEAM.get_sample_value(self.name, self.labels) or 0.0

    @property
    def grew(self) -> float:
        return self._now() - self.start


def requests(service: str, method: str) -> Counted:
    return Counted("releasegate_outbound_requests_total", service=service, method=method)


def errors(service: str, kind: str) -> Counted:
    return Counted("releasegate_outbound_errors_total", service=service, kind=kind)


def test_every_jenkins_request_is_counted_with_its_duration(jenkins_client: JenkinsClient) -> None:
    gets = requests("jenkins", "GET")
    answered = Counted("releasegate_outbound_request_duration_seconds_count", service="jenkins")

    jenkins_client.server_version()
    jenkins_client.list_jobs()

    assert gets.grew == jenkins_client.request_count
    assert answered.grew == jenkins_client.request_count


def test_an_error_answer_is_counted_by_its_status(jenkins_client: JenkinsClient) -> None:
    missing = errors("jenkins", "http_404")

    with pytest.raises(NotFound):
        jenkins_client.build("mall/no-such-job", 1)

    assert missing.grew == 1


def test_an_unreachable_service_is_counted_as_a_connection_error(
    jenkins: JenkinsSimulator,
) -> None:
    refused = errors("jenkins", "connection")
    url = jenkins.url
    jenkins.stop()

    client = JenkinsClient(url, ApiTokenAuth(DEMO_USER, "t0ken"), timeouts=Timeouts.uniform(2))
    with client, pytest.raises(OutboundError):
        client.server_version()

    # A Jenkins read is asked again after a transient failure: every attempt is a call.
    assert refused.grew == READ_ATTEMPTS


def test_a_request_without_an_answer_in_time_is_counted_as_a_timeout(
    jenkins: JenkinsSimulator,
    jenkins_client: JenkinsClient,
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
) -> None:
    control_of(jenkins).set_faults(timeout_rate=1, timeout_seconds=2)
    timeouts = errors("jenkins", "timeout")

    with (
        JenkinsClient(
            jenkins.url, ApiTokenAuth(DEMO_USER, "t0ken"), timeouts=Timeouts.uniform(0.3)
        ) as impatient,
        pytest.raises(OutboundError),
    ):
        impatient.server_version()

    assert timeouts.grew == READ_ATTEMPTS


def test_dingtalk_calls_are_counted_under_their_own_service(
    dingtalk_client: DingTalkClient,
) -> None:
    posts = requests("dingtalk", "POST")
    jenkins_gets = requests("jenkins", "GET")

    dingtalk_client.access_token()

    assert posts.grew == 1
    assert jenkins_gets.grew == 0


def test_a_dingtalk_refusal_with_http_200_is_counted_by_its_errcode(
    dingtalk: DingTalkSimulator, connect_dingtalk: Callable[..., DingTalkClient]
) -> None:
    wrong_agent = errors("dingtalk", "errcode_40056")
    unknown_robot = errors("dingtalk", "errcode_300005")
    client = connect_dingtalk(dingtalk, agent_id=999)
    robot = GroupRobot(
        f"{dingtalk.url}robot/send?access_token=no-such-robot-token",
        "",
        timeouts=Timeouts.uniform(5),
        verify_tls=False,
    )

    with pytest.raises(MessageRejected):
        client.send_work_notification(["lisi"], "发布", "内容")
    with robot, pytest.raises(MessageRejected):
        robot.send_markdown("发布", "内容")

    assert (wrong_agent.grew, unknown_robot.grew) == (1, 1)
