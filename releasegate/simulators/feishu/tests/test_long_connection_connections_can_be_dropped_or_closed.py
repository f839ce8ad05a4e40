"""The control API ends connections as the network or Feishu would: dropped (the TCP
connection cut, no close frame) or closed with a close frame; an event awaiting its ACK
on such a connection counts as a failed attempt."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK
from websockets.sync.client import ClientConnection

from releasegate.simulators.feishu.control import SimulatorRefused
from releasegate.simulators.feishu.tests.conftest import LongConnected
from releasegate.simulators.feishu.tests.ws_peer import receive, receive_event
from releasegate.tests.waiting import eventually


def test_a_dropped_connection_breaks_without_a_close_frame(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connection = ws_connect()
    control.submit({"项目名称": "mall", "应用名称": "order-service"})
    receive_event(connection)

    assert control.long_connection.drop() == [1]

    with pytest.raises(ConnectionClosedError) as broken:
        receive(connection)
    assert broken.value.rcvd is None  # no close frame came
    assert eventually(lambda: control.long_connection.open_connections() == [])
    (closed,) = control.long_connection.connections()
    assert (closed["state"], closed["closed_because"]) == ("closed", "dropped")
    (attempt,) = control.long_connection.deliveries()[0]["attempts"]
    assert attempt["outcome"] == "the connection was closed"


def test_a_closed_connection_gets_a_close_frame(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connection = ws_connect()

    assert control.long_connection.close(code=1001, reason="going away") == [1]

    with pytest.raises(ConnectionClosedOK) as closed:
        receive(connection)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1001, "going away")
    assert eventually(lambda: control.long_connection.open_connections() == [])
    assert control.long_connection.connections()[0]["closed_because"] == "closed by Feishu (1001)"


def test_unknown_connections_are_a_404(long_connected: LongConnected) -> None:
    with pytest.raises(SimulatorRefused) as refused:
        long_connected[1].long_connection.drop(7)
    assert refused.value.status == 404


def test_the_page_lists_connections_with_buttons_that_work(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    simulator, control = long_connected
    ws_connect()

    page = httpx.get(f"{simulator.url}_sim/").text
    dropped = httpx.post(f"{simulator.url}_sim/long-connection/drop", data={"connection": "1"})

    assert "/_sim/long-connection/drop" in page and "/_sim/long-connection/close" in page
    assert dropped.status_code == 303
    assert eventually(lambda: control.long_connection.open_connections() == [])
