"""Fixtures for the Feishu simulator's own tests: the simulator on real loopback sockets,
reached with plain httpx or with the official SDK (official_sdk.py), and its long
connection reached by hand (ws_peer.py) or with the SDK's client (official_ws.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.tests import official_sdk, ws_peer
from releasegate.simulators.feishu.tests.official_ws import WAIT, OfficialWsClient
from releasegate.simulators.feishu.tests.receiver import EventReceiver
from releasegate.tests.waiting import eventually

DEMO = SimSettings.demo()
# The release form by custom id, as create-instance takes it.
FORM = [
    {"id": "project", "type": "radioV2", "value": "mall"},
    {"id": "application", "type": "radioV2", "value": "order-service"},
    {"id": "release_type", "type": "radioV2", "value": "full"},
    {"id": "release_time", "type": "date", "value": "2026-12-05T10:00:00+08:00"},
    {"id": "ref", "type": "input", "value": "v1.4.2"},
]


@pytest.fixture
def start_feishu() -> Iterator[Callable[..., FeishuSimulator]]:
    """Start a simulated Feishu: `start_feishu()` for the demo app, or keyword overrides
    of `SimSettings.demo()` (`event_url=...`, `rate_limits={...}`)."""
    started: list[FeishuSimulator] = []

    def start(**overrides: Any) -> FeishuSimulator:
        simulator = FeishuSimulator(SimSettings.demo(**overrides)).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def feishu(start_feishu: Callable[..., FeishuSimulator]) -> FeishuSimulator:
    """The demo Feishu app's simulator, running (no event URL: nothing is pushed)."""
    return start_feishu()


@pytest.fixture
def feishu_sim(feishu: FeishuSimulator) -> Iterator[FeishuControl]:
    """The demo Feishu's control API."""
    control = FeishuControl(feishu.url)
    yield control
    control.close()


@pytest.fixture
def api(feishu: FeishuSimulator) -> Iterator[httpx.Client]:
    """A plain client for the demo Feishu (no credentials of its own)."""
    with httpx.Client(base_url=feishu.url + "open-apis/", timeout=5) as client:
        yield client


@pytest.fixture
def tenant(api: httpx.Client) -> httpx.Client:
    """The demo Feishu with a valid tenant token in `Authorization`."""
    answer = api.post(
        "auth/v3/tenant_access_token/internal",
        json={"app_id": DEMO.app_id, "app_secret": DEMO.app_secret},
    )
    assert answer.status_code == 200, answer.text
    api.headers["Authorization"] = f"Bearer {answer.json()['tenant_access_token']}"
    return api


@pytest.fixture
def sdk(feishu: FeishuSimulator) -> Any:
    """The official SDK's client for the demo app, pointed at `feishu`."""
    return official_sdk.client(feishu)


@pytest.fixture
def receiver() -> Iterator[EventReceiver]:
    """An event URL that decodes pushes with the official SDK, as the demo app's."""
    found = EventReceiver(DEMO.encrypt_key, DEMO.verification_token)
    yield found
    found.stop()


Pushing = tuple[FeishuSimulator, FeishuControl]


@pytest.fixture
def pushing(
    start_feishu: Callable[..., FeishuSimulator], receiver: EventReceiver
) -> Iterator[Pushing]:
    """A demo Feishu that pushes events to `receiver`, and its control API."""
    simulator = start_feishu(event_url=receiver.url)
    control = FeishuControl(simulator.url)
    yield simulator, control
    control.close()


LongConnected = tuple[FeishuSimulator, FeishuControl]


@pytest.fixture
def long_connected(
    start_feishu: Callable[..., FeishuSimulator],
) -> Iterator[LongConnected]:
    """A demo Feishu that delivers events over the long connection, and its control API."""
    simulator = start_feishu(event_delivery="long_connection")
    control = FeishuControl(simulator.url)
    yield simulator, control
    control.close()


@pytest.fixture
def ws_connect(long_connected: LongConnected) -> Iterator[Callable[[], ClientConnection]]:
    """`ws_connect()`: a new long connection to `long_connected`, closed afterwards."""
    opened: list[ClientConnection] = []

    def open_connection() -> ClientConnection:
        answer = ws_peer.endpoint(long_connected[0])
        assert answer.json()["code"] == 0, answer.text
        opened.append(ws_peer.dial(answer.json()["data"]["URL"]))
        ws_peer.registered(long_connected[1], len(opened))
        return opened[-1]

    yield open_connection
    for connection in opened:
        connection.close()


@pytest.fixture
def official_ws(long_connected: LongConnected) -> Iterator[OfficialWsClient]:
    """lark-oapi's `ws.Client`, connected to `long_connected`, stopped afterwards."""
    client = OfficialWsClient(long_connected[0])
    try:
        eventually(long_connected[1].long_connection.open_connections, timeout=WAIT)
        yield client
    finally:
        client.stop()
