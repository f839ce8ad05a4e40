"""Fixtures for the Jenkins client's tests: clients that record what they send, and
recorded Jenkins payloads replayed through `httpx.MockTransport`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.simulators.jenkins.server import JenkinsSimulator

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_TOKEN_AUTH = ApiTokenAuth("releasegate", "releasegate-demo-token")


class RecordingTransport(httpx.HTTPTransport):
    """A real socket transport that remembers every request it sent."""

    def __init__(self) -> None:
        # Simulators speak plain HTTP on loopback: no CA bundle to load (50 ms each).
        super().__init__(verify=False)
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)

    def paths(self) -> list[str]:
        """`METHOD /path` of each request, the path as sent (still percent-encoded)."""
        return [
            f"{request.method} {request.url.raw_path.decode().partition('?')[0]}"
            for request in self.sent
        ]


class ConnectClient(Protocol):
    def __call__(
        self,
        simulator: JenkinsSimulator,
        auth: JenkinsAuth = ...,
        *,
        timeout: float = ...,
        transport: httpx.BaseTransport | None = ...,
        folder_levels: int = ...,
    ) -> JenkinsClient: ...


@pytest.fixture
def connect() -> Iterator[ConnectClient]:
    """`connect(simulator, auth, timeout=..., transport=...)`: a client closed afterwards."""
    opened: list[JenkinsClient] = []

    def open_client(
        simulator: JenkinsSimulator,
        auth: JenkinsAuth = DEMO_TOKEN_AUTH,
        *,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        folder_levels: int = 5,
    ) -> JenkinsClient:
        client = JenkinsClient(
            simulator.url,
            auth,
            timeouts=Timeouts.uniform(timeout),
            verify_tls=False,  # plain HTTP on loopback; skips loading the CA bundle
            transport=transport,
            folder_levels=folder_levels,
        )
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def recording() -> RecordingTransport:
    return RecordingTransport()


def fixture(name: str) -> Any:
    """A recorded Jenkins payload from `fixtures/<name>.json`."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


Replay = Callable[[dict[str, Any]], JenkinsClient]


@pytest.fixture
def replay() -> Iterator[Replay]:
    """`replay({"/queue/item/143/api/json": payload, ...})`: a client whose Jenkins
    answers each path (as sent, percent-encoded) with its payload as JSON, and anything
    else with 404."""
    opened: list[JenkinsClient] = []

    def open_client(routes: dict[str, Any]) -> JenkinsClient:
        def answer(request: httpx.Request) -> httpx.Response:
            path = request.url.raw_path.decode().partition("?")[0]
            if path in routes:
                return httpx.Response(200, json=routes[path])
            return httpx.Response(404, text="<html><body>Not Found</body></html>")

        client = JenkinsClient(
            "http://jenkins.example.com/",
            DEMO_TOKEN_AUTH,
            timeouts=Timeouts.uniform(1),
            transport=httpx.MockTransport(answer),
        )
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def client(jenkins_client: JenkinsClient) -> JenkinsClient:
    """In the client's own tests, `client` is the Jenkins client under test."""
    return jenkins_client
