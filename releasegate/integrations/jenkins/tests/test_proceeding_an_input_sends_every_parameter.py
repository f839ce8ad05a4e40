"""Jenkins does not default input parameters left out of `proceed`: the pipeline would
see null (InputStepExecution.parseValue). The client sends each declared default."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.errors import InputNotWaiting, InvalidRequest
from releasegate.integrations.jenkins.models import BuildResult, PendingInput
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

ORDER = "mall/order-service"


@pytest.fixture
def pending(client: JenkinsClient, sim: SimulatorControl) -> PendingInput:
    """Build #1 of order-service, waiting at its "Deploy-approval" input."""
    client.trigger(ORDER, {"TAG": "v3.8.0"})
    sim.advance(3)
    (waiting,) = client.pending_inputs(ORDER, 1)
    return waiting


def test_it_sends_declared_defaults_for_omitted_parameters(
    client: JenkinsClient, sim: SimulatorControl, pending: PendingInput
) -> None:
    sent = client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.8.0"})

    assert sent == {"CONFIRM_TAG": "v3.8.0", "NOTIFY_QA": True}
    assert sim.builds(ORDER)[0]["input"] == {
        "state": "proceeded",
        "values": {"CONFIRM_TAG": "v3.8.0", "NOTIFY_QA": True},
        "by": "releasegate",
    }


def test_it_sends_given_values_over_the_defaults(
    client: JenkinsClient, sim: SimulatorControl, pending: PendingInput
) -> None:
    client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.8.0", "NOTIFY_QA": False})

    assert sim.builds(ORDER)[0]["input"]["values"] == {"CONFIRM_TAG": "v3.8.0", "NOTIFY_QA": False}


def test_it_sends_every_default_when_given_nothing(
    client: JenkinsClient, sim: SimulatorControl, pending: PendingInput
) -> None:
    assert client.proceed_input(ORDER, 1, pending) == {"CONFIRM_TAG": "", "NOTIFY_QA": True}
    assert sim.builds(ORDER)[0]["input"]["values"] == {"CONFIRM_TAG": "", "NOTIFY_QA": True}


def test_it_lets_the_build_carry_on(
    client: JenkinsClient, sim: SimulatorControl, pending: PendingInput
) -> None:
    client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.8.0"})
    sim.advance(2)

    assert client.build(ORDER, 1).result is BuildResult.SUCCESS


def test_it_posts_the_values_as_jenkins_form_json(
    jenkins: JenkinsSimulator,
    connect: ConnectClient,
    recording: RecordingTransport,
    pending: PendingInput,
) -> None:
    connect(jenkins, transport=recording).proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3"})

    assert recording.paths() == ["POST /job/mall/job/order-service/1/input/Deploy-approval/proceed"]
    form = parse_qs(recording.sent[0].content.decode())
    assert json.loads(form["json"][0]) == {
        "parameter": [
            {"name": "CONFIRM_TAG", "value": "v3"},
            {"name": "NOTIFY_QA", "value": True},
        ]
    }


def test_it_refuses_an_unknown_parameter_before_sending(
    client: JenkinsClient, sim: SimulatorControl, pending: PendingInput
) -> None:
    before = client.request_count

    with pytest.raises(InvalidRequest, match="has no parameter CONFIRM_TAGG") as raised:
        client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAGG": "v3.8.0"})

    assert raised.value.permanent
    assert client.request_count == before
    assert sim.builds(ORDER)[0]["input"]["state"] == "waiting"


def test_it_says_an_input_already_answered_is_not_waiting(
    client: JenkinsClient, pending: PendingInput
) -> None:
    client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.8.0"})

    with pytest.raises(InputNotWaiting, match="not waiting for an answer") as raised:
        client.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.8.0"})

    assert (raised.value.status, raised.value.permanent) == (404, True)


def test_it_uses_proceed_empty_for_an_input_without_parameters(
    jenkins: JenkinsSimulator,
    sim: SimulatorControl,
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    sim.put_job(path="ops/smoke-check", input={"message": "Is the build okay?"})
    client = connect(jenkins, transport=recording)
    client.trigger("ops/smoke-check", None)
    sim.advance(2)
    (waiting,) = client.pending_inputs("ops/smoke-check", 1)

    assert client.proceed_input("ops/smoke-check", 1, waiting) == {}

    assert recording.paths()[-1] == (
        "POST /job/ops/job/smoke-check/1/input/Ef95dd500ae6ed3b27b89fb852296d12/proceedEmpty"
    )
    assert sim.builds("ops/smoke-check")[0]["input"]["state"] == "proceeded"


def test_it_raises_invalid_request_when_the_user_may_not_submit(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    sim.put_job(path="ops/guarded", input={"message": "Ship it?", "submitter": "alice"})
    client.trigger("ops/guarded", None)
    sim.advance(2)
    (waiting,) = client.pending_inputs("ops/guarded", 1)

    # Input refusals are hudson.model.Failure pages: 400, not 403.
    with pytest.raises(InvalidRequest, match="You need to be alice to submit this"):
        client.proceed_input("ops/guarded", 1, waiting)
