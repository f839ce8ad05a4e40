from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.errors import NotFound
from releasegate.integrations.jenkins.models import BuildResult
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"


def test_it_aborts_a_running_build(client: JenkinsClient, sim: SimulatorControl) -> None:
    client.trigger(WEB, {"ENV": "prod"})

    client.stop_build(WEB, 1)

    build = client.build(WEB, 1)
    assert (build.building, build.result) == (False, BuildResult.ABORTED)
    assert sim.builds(WEB)[0]["result"] == "ABORTED"


def test_it_aborts_a_build_waiting_at_an_input(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger("mall/order-service", {})
    sim.advance(3)

    client.stop_build("mall/order-service", 1)

    assert client.build("mall/order-service", 1).result is BuildResult.ABORTED


def test_it_leaves_a_finished_build_as_it_was(client: JenkinsClient, sim: SimulatorControl) -> None:
    client.trigger(WEB, {"ENV": "prod"})
    sim.advance(3)

    client.stop_build(WEB, 1)

    assert client.build(WEB, 1).result is BuildResult.SUCCESS


def test_it_raises_not_found_for_a_build_that_never_ran(client: JenkinsClient) -> None:
    with pytest.raises(NotFound):
        client.stop_build(WEB, 7)
