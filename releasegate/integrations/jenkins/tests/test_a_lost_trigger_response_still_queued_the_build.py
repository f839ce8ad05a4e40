"""A trigger whose answer is lost may still have queued the build: the error is
transient, and `find_matching` is how a retry learns what the first attempt did."""

from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.lib.http import OutboundError
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"
PROD = {"BRANCH": "master", "ENV": "prod"}


def test_it_raises_a_transient_error_though_the_build_was_queued(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    sim.set_faults(lost_response_rate=1, methods=["POST"])

    with pytest.raises(OutboundError) as raised:
        client.trigger(WEB, PROD)

    assert raised.value.permanent is False
    assert [(item["job"], item["build"]) for item in sim.queue()] == [(WEB, 1)]
    assert [build["parameters"]["ENV"] for build in sim.builds(WEB)] == ["prod"]


def test_it_lets_find_matching_discover_what_the_lost_trigger_created(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    since = sim.now_ms()
    sim.set_faults(lost_response_rate=1, methods=["POST"])
    with pytest.raises(OutboundError):
        client.trigger(WEB, PROD, delay_seconds=30)
    sim.set_faults()

    items, builds = client.find_matching(WEB, PROD, since_ms=since)

    assert [item.id for item in items] == [sim.queue()[0]["id"]]
    assert builds == []
