from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

TOKEN = "catalog-test-token"


class Jenkins:
    """A simulated Jenkins with its control API and a client, for catalog tests."""

    def __init__(self, simulator: JenkinsSimulator, folder_levels: int) -> None:
        self.control = SimulatorControl(simulator.url)
        self.client = JenkinsClient(
            simulator.url,
            ApiTokenAuth("catalog", TOKEN),
            timeouts=Timeouts.uniform(5),
            folder_levels=folder_levels,
        )

    def close(self) -> None:
        self.control.close()
        self.client.close()


@pytest.fixture
def small_jenkins(
    start_jenkins: Callable[..., JenkinsSimulator],
) -> Iterator[Callable[..., Jenkins]]:
    """`small_jenkins(jobs=[...], folders=[...], folder_levels=5)`: a Jenkins holding
    exactly the given jobs (dicts in the scenario's job schema)."""
    opened: list[Jenkins] = []

    def make(folder_levels: int = 5, **scenario: Any) -> Jenkins:
        simulator = start_jenkins(
            {"users": [{"name": "catalog", "token": TOKEN}], "quiet_period": 0, **scenario}
        )
        jenkins = Jenkins(simulator, folder_levels)
        opened.append(jenkins)
        return jenkins

    yield make
    for jenkins in opened:
        jenkins.close()
