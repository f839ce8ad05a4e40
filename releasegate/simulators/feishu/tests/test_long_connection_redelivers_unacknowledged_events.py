"""The long connection retries as the webhook does: an event without an ACK within 3 s,
with an ACK other than 200, or with no connection open is sent again 15 s, 5 min, 1 h and
6 h later (simulator clock), later events of its instance wait, and after the last retry
it is given up."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from websockets.sync.client import ClientConnection

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.tests.conftest import LongConnected
from releasegate.simulators.feishu.tests.ws_peer import ack, headers, payload, receive_event

FORM = {"项目名称": "mall", "应用名称": "order-service"}


def _attempts(control: FeishuControl, delivery: int = 0) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = control.long_connection.deliveries()[delivery]["attempts"]
    return found


def test_an_unacknowledged_event_is_sent_again_15_s_later(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connection = ws_connect()
    control.submit(FORM)
    (first,) = receive_event(connection)

    control.advance(3)
    assert control.long_connection.settle()
    waiting = control.long_connection.deliveries()
    control.advance(15)
    (again,) = receive_event(connection)
    ack(connection, again)
    for _ in range(2):  # the instance's next events, held back until now
        ack(connection, receive_event(connection)[0])
    assert control.long_connection.settle()

    assert [len(d["attempts"]) for d in waiting] == [1, 0, 0]
    assert waiting[0]["attempts"][0]["outcome"] == "no ACK within 3 s"
    assert payload([again]) == payload([first])  # the same uuid: the receiver dedupes
    assert headers(again)["message_id"] != headers(first)["message_id"]
    assert [a["outcome"] for a in _attempts(control)][1:] == ["success"]


def test_an_ack_with_code_500_is_a_failed_attempt(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connection = ws_connect()
    control.submit(FORM)
    (frame,) = receive_event(connection)

    ack(connection, frame, code=500)
    assert control.long_connection.settle()
    control.advance(15)
    (again,) = receive_event(connection)

    assert _attempts(control)[0]["outcome"] == "ACK code 500"
    assert payload([again]) == payload([frame])


def test_with_no_connection_open_it_is_retried_then_given_up(
    long_connected: LongConnected,
) -> None:
    _, control = long_connected
    control.submit(FORM)

    for delay in (15, 300, 3600, 21600):
        assert control.long_connection.settle()
        assert control.long_connection.deliveries("failed") == []
        control.advance(delay)
    assert control.long_connection.settle()

    failed, *rest = control.long_connection.deliveries()
    times = [a["at_ms"] for a in failed["attempts"]]
    assert [round((b - a) / 1000) for a, b in itertools.pairwise(times)] == [15, 300, 3600, 21600]
    assert {a["outcome"] for a in failed["attempts"]} == {"no open connection"}
    assert failed["state"] == "failed"
    # Given up, it no longer holds back the instance's next event.
    assert len(rest[0]["attempts"]) == 1
