"""Fixtures for the simulator's own tests: plain httpx clients on real loopback sockets,
so the simulator is checked independently of ReleaseGate's Jenkins client."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import DEMO_TOKEN, DEMO_USER

# Shared, so each client skips loading the CA bundle; every call here is plain HTTP.
TLS = ssl.create_default_context()

Connect = Callable[..., httpx.Client]
Control = Callable[[JenkinsSimulator], SimulatorControl]


@pytest.fixture
def connect() -> Iterator[Connect]:
    """`connect(simulator, auth=(user, secret) | None, timeout=5)`: a client, closed after
    the test. It keeps cookies, as a session-based Jenkins client must."""
    opened: list[httpx.Client] = []

    def open_client(
        simulator: JenkinsSimulator,
        auth: tuple[str, str] | None = (DEMO_USER, DEMO_TOKEN),
        timeout: float = 5.0,
    ) -> httpx.Client:
        client = httpx.Client(base_url=simulator.url, auth=auth, timeout=timeout, verify=TLS)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def api(jenkins: JenkinsSimulator, connect: Connect) -> httpx.Client:
    """The demo Jenkins, called with the API token of a user who may build and cancel."""
    return connect(jenkins)
