from __future__ import annotations

from collections.abc import Callable

import pytest
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.control import SimulatorRefused
from releasegate.simulators.dingtalk.tests.conftest import Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import receive
from releasegate.tests.waiting import eventually


def test_a_dropped_connection_breaks_without_a_close_frame(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()

    assert control.stream.drop() == [1]

    with pytest.raises(ConnectionClosedError) as broken:
        receive(connection)
    assert broken.value.rcvd is None  # no close frame came
    listed = eventually(lambda: control.stream.connections()[0]["state"] == "closed")
    assert listed
    assert control.stream.connections()[0]["closed_because"] == "dropped"
    assert control.stream.open_connections() == []


def test_unknown_connections_are_a_404(streaming: Streaming) -> None:
    with pytest.raises(SimulatorRefused) as refused:
        streaming[1].stream.drop(7)
    assert refused.value.status == 404
