"""Fixtures for the DingTalk simulator's own tests: plain httpx on real loopback sockets
and an independent EventCrypto receiver, so the simulator is checked against the
reference rather than against ReleaseGate's client."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import httpx
import pytest
from websockets.protocol import State
from websockets.sync.client import ClientConnection

from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub
from releasegate.simulators.dingtalk.tests.official_stream import WAIT, OfficialStreamClient
from releasegate.simulators.dingtalk.tests.receiver import EventReceiver
from releasegate.simulators.dingtalk.tests.stream_peer import dial, open_ticket, registered
from releasegate.tests.waiting import eventually

# Shared, so each client skips loading the CA bundle; every call here is plain HTTP.
TLS = ssl.create_default_context()
DEMO = SimSettings.demo()
FORM = {"项目名称": "mall", "应用名称": "order-service"}


@pytest.fixture
def api(dingtalk: DingTalkSimulator) -> Iterator[httpx.Client]:
    """A plain client for the demo DingTalk (no credentials of its own)."""
    with httpx.Client(base_url=dingtalk.url, timeout=5, verify=TLS) as client:
        yield client


@pytest.fixture
def token(api: httpx.Client) -> str:
    """A valid access token of the demo app."""
    answer = api.post(
        "v1.0/oauth2/accessToken", json={"appKey": DEMO.app_key, "appSecret": DEMO.app_secret}
    )
    assert answer.status_code == 200, answer.text
    value: str = answer.json()["accessToken"]
    return value


@pytest.fixture
def v1(api: httpx.Client, token: str) -> httpx.Client:
    """The demo DingTalk with the token in the v1.0 header."""
    api.headers["x-acs-dingtalk-access-token"] = token
    return api


@pytest.fixture
def sdk_token(dingtalk: DingTalkSimulator) -> str:
    """A valid access token of the demo app, fetched with the official SDK."""
    return official_sdk.access_token(dingtalk)


@pytest.fixture
def receiver() -> Iterator[EventReceiver]:
    """An event URL that verifies and decrypts as the demo app's subscription does."""
    found = EventReceiver(EventCrypto(DEMO.event_token, DEMO.aes_key, DEMO.app_key))
    yield found
    found.stop()


Pushing = tuple[DingTalkSimulator, DingTalkControl]


@pytest.fixture
def pushing(
    start_dingtalk: Callable[..., DingTalkSimulator], receiver: EventReceiver
) -> Iterator[Pushing]:
    """A demo DingTalk that pushes events to `receiver`, and its control API."""
    simulator = start_dingtalk(event_url=receiver.url)
    control = DingTalkControl(simulator.url)
    yield simulator, control
    control.close()


Streaming = tuple[DingTalkSimulator, DingTalkControl]


@pytest.fixture
def streaming(start_dingtalk: Callable[..., DingTalkSimulator]) -> Iterator[Streaming]:
    """A demo DingTalk delivering events over Stream only, without periodic pings (tests
    ping on demand), and its control API."""
    simulator = start_dingtalk(stream_ping_interval=None, http_push=False)
    control = DingTalkControl(simulator.url)
    yield simulator, control
    control.close()


@pytest.fixture
def stream_connect(streaming: Streaming) -> Iterator[Callable[[], ClientConnection]]:
    """`stream_connect()`: a new Stream connection to `streaming`, closed afterwards."""
    opened: list[ClientConnection] = []

    def open_connection() -> ClientConnection:
        answer = open_ticket(streaming[0])
        assert answer.status_code == 200, answer.text
        opened.append(dial(answer.json()["endpoint"], answer.json()["ticket"]))
        registered(streaming[1], len([c for c in opened if c.state is State.OPEN]))
        return opened[-1]

    yield open_connection
    for connection in opened:
        connection.close()


@pytest.fixture
def official_stream(streaming: Streaming) -> Iterator[OfficialStreamClient]:
    """The official Stream SDK, connected to `streaming`'s gateway, stopped afterwards."""
    client = OfficialStreamClient(streaming[0])
    try:
        eventually(streaming[1].stream.open_connections, timeout=WAIT)
        yield client
    finally:
        client.stop()


@pytest.fixture
def connector() -> Iterator[ConnectorStub]:
    """A stand-in for ReleaseGate's connector actions that records every call."""
    stub = ConnectorStub()
    yield stub
    stub.stop()


@pytest.fixture
def connected(
    start_dingtalk: Callable[..., DingTalkSimulator], connector: ConnectorStub
) -> Iterator[DingTalkControl]:
    """The control API of a demo DingTalk whose connector is `connector`: API Secret with
    the demo's secret, an asynchronous connector node after the last approver."""
    simulator = start_dingtalk(connector_url=connector.url)
    control = DingTalkControl(simulator.url)
    yield control
    control.close()
