"""Whatever goes wrong on the wire, every call ends within its timeout in an
`OutboundError` that says it is worth retrying."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient, PasswordAuth
from releasegate.integrations.jenkins.errors import JenkinsUnavailable
from releasegate.integrations.jenkins.models import PendingInput
from releasegate.integrations.jenkins.tests.conftest import DEMO_TOKEN_AUTH, ConnectClient
from releasegate.lib.http import OutboundError, Timeouts
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import load_scenario
from releasegate.simulators.jenkins.server import JenkinsSimulator

WEB = "mall/web-frontend"
APPROVAL = PendingInput(
    id="Deploy-approval", message="确认发布到生产?", ok_text="发布", submitter=None, parameters=()
)
Call = Callable[[JenkinsClient], object]
CALLS = [
    pytest.param(lambda c: c.server_version(), id="server_version"),
    pytest.param(lambda c: c.list_jobs(), id="list_jobs"),
    pytest.param(lambda c: c.trigger(WEB, {"ENV": "prod"}), id="trigger"),
    pytest.param(lambda c: c.trigger("ops/nightly-backup", None), id="trigger_build"),
    pytest.param(lambda c: c.queue_item(1), id="queue_item"),
    pytest.param(lambda c: c.resolve_queue_item(WEB, 1), id="resolve_queue_item"),
    pytest.param(lambda c: c.cancel_queue_item(1), id="cancel_queue_item"),
    pytest.param(lambda c: c.queued_items(WEB), id="queued_items"),
    pytest.param(lambda c: c.builds(WEB), id="builds"),
    pytest.param(lambda c: c.build(WEB, 1), id="build"),
    pytest.param(lambda c: c.find_matching(WEB, {"ENV": "prod"}, since_ms=0), id="find_matching"),
    pytest.param(lambda c: c.stop_build(WEB, 1), id="stop_build"),
    pytest.param(lambda c: c.console(WEB, 1), id="console"),
    pytest.param(lambda c: c.console_tail(WEB, 1), id="console_tail"),
    pytest.param(lambda c: c.pending_inputs("mall/order-service", 1), id="pending_inputs"),
    pytest.param(lambda c: c.proceed_input("mall/order-service", 1, APPROVAL), id="proceed_input"),
    pytest.param(
        lambda c: c.abort_input("mall/order-service", 1, "Deploy-approval"), id="abort_input"
    ),
]


@pytest.fixture(scope="module")
def faulty() -> Iterator[tuple[JenkinsClient, SimulatorControl]]:
    """One demo Jenkins for this module's parametrized tests, each of which sets every
    fault itself before its call: nothing a faulty call does reaches the next test."""
    with JenkinsSimulator(load_scenario("demo")) as simulator:
        control = SimulatorControl(simulator.url)
        with JenkinsClient(
            simulator.url, DEMO_TOKEN_AUTH, timeouts=Timeouts.uniform(0.2)
        ) as client:
            yield client, control
        control.close()


@pytest.mark.parametrize("call", CALLS)
def test_it_raises_a_transient_jenkins_unavailable_for_a_503(
    faulty: tuple[JenkinsClient, SimulatorControl], call: Call
) -> None:
    client, sim = faulty
    sim.set_faults(error_rate=1)

    with pytest.raises(JenkinsUnavailable) as raised:
        call(client)

    assert (raised.value.status, raised.value.permanent) == (503, False)


@pytest.mark.parametrize("call", CALLS)
def test_it_gives_up_at_its_timeout_with_a_transient_error(
    faulty: tuple[JenkinsClient, SimulatorControl], call: Call
) -> None:
    client, sim = faulty
    sim.set_faults(timeout_rate=1, timeout_seconds=2)
    started = time.monotonic()

    with pytest.raises(OutboundError, match="timed out") as raised:
        call(client)

    # Its 0.2 s timeout, not Jenkins' 2 s silence (the margin is for a busy machine).
    assert time.monotonic() - started < 1.5
    assert (raised.value.status, raised.value.permanent) == (None, False)


@pytest.mark.parametrize("call", CALLS)
def test_it_raises_a_transient_error_when_the_connection_is_reset(
    faulty: tuple[JenkinsClient, SimulatorControl], call: Call
) -> None:
    client, sim = faulty
    sim.set_faults(reset_rate=1)

    with pytest.raises(OutboundError, match="connection failed") as raised:
        call(client)

    assert (raised.value.status, raised.value.permanent) == (None, False)


@pytest.mark.parametrize("call", CALLS)
def test_it_raises_a_transient_error_when_the_answer_never_comes(
    faulty: tuple[JenkinsClient, SimulatorControl], call: Call
) -> None:
    client, sim = faulty
    sim.set_faults(lost_response_rate=1)

    with pytest.raises(OutboundError, match="connection failed") as raised:
        call(client)

    assert raised.value.permanent is False


def test_it_gives_up_at_its_timeout_while_fetching_a_crumb(
    jenkins: JenkinsSimulator, sim: SimulatorControl, connect: ConnectClient
) -> None:
    sim.set_faults(timeout_rate=1, timeout_seconds=1, paths=["crumbIssuer"])
    client = connect(jenkins, PasswordAuth("releasegate", "releasegate-demo-password"), timeout=0.2)

    with pytest.raises(OutboundError, match="timed out") as raised:
        client.trigger(WEB, {"ENV": "prod"})

    assert raised.value.permanent is False
    assert sim.queue() == []


def test_it_works_again_once_jenkins_recovers(client: JenkinsClient, sim: SimulatorControl) -> None:
    sim.set_faults(reset_rate=1)
    with pytest.raises(OutboundError):
        client.list_jobs()

    sim.set_faults()

    assert len(client.list_jobs().jobs) == 8
