"""Fixtures shared by every test: simulators on real loopback sockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import Scenario, load_scenario, parse_scenario
from releasegate.simulators.jenkins.server import JenkinsSimulator


@pytest.fixture
def start_jenkins() -> Iterator[Callable[..., JenkinsSimulator]]:
    """Start a simulated Jenkins: `start_jenkins()` for the demo scenario,
    `start_jenkins(scenario)` for a Scenario, or keyword overrides of the demo's fields."""
    started: list[JenkinsSimulator] = []

    def start(
        scenario: Scenario | dict[str, Any] | None = None, **overrides: Any
    ) -> JenkinsSimulator:
        if isinstance(scenario, dict):
            scenario = parse_scenario(scenario)
        base = scenario or load_scenario("demo")
        if overrides:
            base = parse_scenario({**base.model_dump(), **overrides})
        simulator = JenkinsSimulator(base).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def jenkins(start_jenkins: Callable[..., JenkinsSimulator]) -> JenkinsSimulator:
    """The demo Jenkins, running."""
    return start_jenkins()


@pytest.fixture
def sim(jenkins: JenkinsSimulator) -> Iterator[SimulatorControl]:
    """The demo Jenkins' control API (clock, faults, recorded builds)."""
    control = SimulatorControl(jenkins.url)
    yield control
    control.close()


@pytest.fixture
def jenkins_client(jenkins: JenkinsSimulator) -> Iterator[JenkinsClient]:
    """A client for the demo Jenkins, authenticated with the API token. (Not `client`:
    that name is pytest-django's test client for our own views.)"""
    with JenkinsClient(
        jenkins.url, ApiTokenAuth(DEMO_USER, DEMO_TOKEN), timeouts=Timeouts.uniform(5)
    ) as connected:
        yield connected


@pytest.fixture
def control_of() -> Iterator[Callable[[JenkinsSimulator], SimulatorControl]]:
    """`control_of(simulator)`: the `/_sim/` control API of a simulator a test started."""
    opened: list[SimulatorControl] = []

    def open_control(simulator: JenkinsSimulator) -> SimulatorControl:
        opened.append(SimulatorControl(simulator.url))
        return opened[-1]

    yield open_control
    for control in opened:
        control.close()
