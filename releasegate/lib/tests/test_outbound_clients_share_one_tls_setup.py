"""Every verifying outbound client uses the one TLS context made per process (loading the
CA bundle for each new client cost a page about 20 ms); a client told not to verify
gets none of it."""

from __future__ import annotations

import ssl

from releasegate.lib.http import OutboundClient, Timeouts, verifying_context


def _context(client: OutboundClient) -> ssl.SSLContext:
    pool = client._client._transport._pool  # type: ignore[attr-defined]
    context: ssl.SSLContext = pool._ssl_context
    return context


def _client(*, verify: bool) -> OutboundClient:
    return OutboundClient(
        service="test",
        base_url="https://127.0.0.1:9",
        timeouts=Timeouts.uniform(1),
        verify=verify,
    )


def test_verifying_clients_share_the_process_context() -> None:
    first, second = _client(verify=True), _client(verify=True)

    assert _context(first) is verifying_context()
    assert _context(second) is verifying_context()
    assert verifying_context().verify_mode == ssl.CERT_REQUIRED
    assert verifying_context().check_hostname


def test_a_client_told_not_to_verify_does_not_verify() -> None:
    client = _client(verify=False)

    assert _context(client) is not verifying_context()
    assert _context(client).verify_mode == ssl.CERT_NONE
