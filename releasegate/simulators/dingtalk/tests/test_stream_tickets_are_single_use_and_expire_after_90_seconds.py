from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from releasegate.simulators.dingtalk.tests.conftest import Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import dial, open_ticket, registered


def _ticket(streaming: Streaming) -> tuple[str, str]:
    body = open_ticket(streaming[0]).json()
    return body["endpoint"], body["ticket"]


def _refused(endpoint: str, ticket: str) -> int:
    with pytest.raises(InvalidStatus) as refused:
        dial(endpoint, ticket)
    return refused.value.response.status_code


def test_a_ticket_opens_one_connection_only(streaming: Streaming) -> None:
    endpoint, ticket = _ticket(streaming)

    with dial(endpoint, ticket):
        assert _refused(endpoint, ticket) == 401
        assert [c["ticket"] for c in registered(streaming[1], 1)] == [ticket]


def test_a_ticket_is_valid_for_90_seconds(streaming: Streaming) -> None:
    endpoint, ticket = _ticket(streaming)
    later, _ = _ticket(streaming)
    _, fresh = _ticket(streaming)

    streaming[1].advance(89)
    with dial(later, fresh):
        pass
    streaming[1].advance(2)

    assert _refused(endpoint, ticket) == 401


def test_unknown_tickets_and_other_paths_are_refused(streaming: Streaming) -> None:
    endpoint, ticket = _ticket(streaming)

    assert _refused(endpoint, "made-up-ticket") == 401
    assert _refused(endpoint, "") == 401
    assert _refused(endpoint.replace("/connect", "/other"), ticket) == 404
    assert streaming[1].stream.connections() == []
