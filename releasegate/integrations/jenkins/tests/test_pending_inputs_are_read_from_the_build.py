"""pipeline-input-step 466+ exports an input's executions in the build JSON; older
versions export only `waitingForInput`, and the stage view's REST API lists them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.errors import NotFound
from releasegate.integrations.jenkins.models import (
    ParameterDefinition,
    ParameterKind,
    PendingInput,
)
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

ORDER = "mall/order-service"
DEPLOY_APPROVAL = PendingInput(
    id="Deploy-approval",
    message="确认发布到生产?",
    ok_text="发布",
    submitter=None,
    parameters=(
        ParameterDefinition(
            name="CONFIRM_TAG",
            kind=ParameterKind.STRING,
            jenkins_class="hudson.model.StringParameterDefinition",
            description="再次确认要发布的标签",
            default="",
        ),
        ParameterDefinition(
            name="NOTIFY_QA",
            kind=ParameterKind.BOOLEAN,
            jenkins_class="hudson.model.BooleanParameterDefinition",
            description="通知测试",
            default=True,
        ),
    ),
)


def summary(pending: PendingInput) -> tuple[object, ...]:
    """What both sources agree on (the stage view names only the simple class)."""
    return (
        pending.id,
        pending.message,
        pending.ok_text,
        [(p.name, p.kind, p.description, p.default) for p in pending.parameters],
    )


def test_it_reads_a_pending_input_from_the_build(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(ORDER, {})
    sim.advance(3)  # the input waits at the start of the third of three stages

    assert client.pending_inputs(ORDER, 1) == [DEPLOY_APPROVAL]
    assert client.build(ORDER, 1).waiting_for_input is True


def test_it_finds_none_before_the_build_reaches_the_step(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(ORDER, {})

    assert client.pending_inputs(ORDER, 1) == []


def test_it_finds_none_once_the_input_was_answered(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(ORDER, {})
    sim.advance(3)
    client.proceed_input(ORDER, 1, DEPLOY_APPROVAL)

    assert client.pending_inputs(ORDER, 1) == []
    assert client.build(ORDER, 1).waiting_for_input is False


def test_it_finds_none_in_a_freestyle_build(client: JenkinsClient, sim: SimulatorControl) -> None:
    client.trigger("ops/nightly-backup", None)

    assert client.pending_inputs("ops/nightly-backup", 1) == []


def test_it_reads_the_submitter(client: JenkinsClient, sim: SimulatorControl) -> None:
    sim.put_job(
        path="ops/guarded",
        input={"message": "Ship it?", "id": "ship", "submitter": "alice,release-managers"},
    )
    client.trigger("ops/guarded", None)
    sim.advance(2)

    (pending,) = client.pending_inputs("ops/guarded", 1)

    assert (pending.id, pending.submitter, pending.ok_text) == (
        "Ship",
        "alice,release-managers",
        "Proceed",
    )


def test_it_falls_back_to_the_stage_view_for_an_older_input_plugin(
    start_jenkins: Callable[..., JenkinsSimulator],
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    simulator = start_jenkins(input_executions=False)
    client = connect(simulator, transport=recording)
    client.trigger(ORDER, {})
    control_of(simulator).advance(3)

    (pending,) = client.pending_inputs(ORDER, 1)

    assert summary(pending) == summary(DEPLOY_APPROVAL)
    assert recording.paths()[-2:] == [
        "GET /job/mall/job/order-service/1/api/json",
        "GET /job/mall/job/order-service/1/wfapi/pendingInputActions",
    ]


def test_it_answers_an_input_found_through_the_stage_view(
    start_jenkins: Callable[..., JenkinsSimulator],
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    connect: ConnectClient,
) -> None:
    simulator = start_jenkins(input_executions=False)
    sim = control_of(simulator)
    client = connect(simulator)
    client.trigger(ORDER, {})
    sim.advance(3)
    (pending,) = client.pending_inputs(ORDER, 1)

    client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.8.0"})

    assert sim.builds(ORDER)[0]["input"]["values"] == {"CONFIRM_TAG": "v3.8.0", "NOTIFY_QA": True}
    assert client.pending_inputs(ORDER, 1) == []


def test_it_raises_not_found_without_executions_or_stage_view(
    start_jenkins: Callable[..., JenkinsSimulator],
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    connect: ConnectClient,
) -> None:
    simulator = start_jenkins(input_executions=False, stage_view=False)
    client = connect(simulator)
    client.trigger(ORDER, {})
    control_of(simulator).advance(3)

    with pytest.raises(NotFound):
        client.pending_inputs(ORDER, 1)
