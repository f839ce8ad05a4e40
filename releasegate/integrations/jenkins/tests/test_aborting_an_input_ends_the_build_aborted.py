from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.errors import InputNotWaiting, NotFound
from releasegate.integrations.jenkins.models import BuildResult
from releasegate.simulators.jenkins.control import SimulatorControl

ORDER = "mall/order-service"


@pytest.fixture
def waiting(client: JenkinsClient, sim: SimulatorControl) -> None:
    """Build #1 of order-service, waiting at its "Deploy-approval" input."""
    client.trigger(ORDER, {})
    sim.advance(3)


@pytest.mark.usefixtures("waiting")
def test_it_ends_the_build_aborted(client: JenkinsClient, sim: SimulatorControl) -> None:
    client.abort_input(ORDER, 1, "Deploy-approval")

    build = client.build(ORDER, 1)
    assert (build.building, build.result) == (False, BuildResult.ABORTED)
    assert sim.builds(ORDER)[0]["input"]["state"] == "aborted"


@pytest.mark.usefixtures("waiting")
def test_it_says_an_input_already_answered_is_not_waiting(client: JenkinsClient) -> None:
    client.abort_input(ORDER, 1, "Deploy-approval")

    with pytest.raises(InputNotWaiting, match="not waiting for an answer") as raised:
        client.abort_input(ORDER, 1, "Deploy-approval")

    assert (raised.value.status, raised.value.permanent) == (404, True)


@pytest.mark.usefixtures("waiting")
def test_it_raises_not_found_for_the_id_as_the_pipeline_spells_it(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    # InputAction.getExecution matches exactly: `id: 'deploy-approval'` is `Deploy-approval`.
    with pytest.raises(NotFound):
        client.abort_input(ORDER, 1, "deploy-approval")

    assert sim.builds(ORDER)[0]["input"]["state"] == "waiting"
