"""`releasegate serve` refuses a body above RELEASEGATE_MAX_BODY_BYTES while the client
is still sending it: the web server itself answers 413, so nobody can make it read (and
spool to disk) a body of any size, authenticated or not. Over a real socket."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from releasegate.tests.cli import serving

LIMIT = 64 * 1024
SETTINGS = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "body-limit-test-token",
    "RELEASEGATE_MAX_BODY_BYTES": str(LIMIT),
}
CHUNK = b"x" * 16 * 1024


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    with serving(SETTINGS, tmp_path_factory.mktemp("serve"), "--no-worker") as base:
        url = urlsplit(base)
        assert url.hostname and url.port
        yield url.hostname, url.port


def send_until_answered(
    address: tuple[str, int], head: bytes, body: Iterator[bytes]
) -> tuple[bytes, int]:
    """Send `head`, then `body` piece by piece until the server answers; its answer and
    how many body bytes were sent by then."""
    sent = 0
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(head)
        for piece in body:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        readable, _, _ = select.select([connection], [], [], 5)
        return (connection.recv(4096) if readable else b""), sent


def declared(total: int) -> Iterator[bytes]:
    for _ in range(total // len(CHUNK)):
        yield CHUNK


def chunked(total: int) -> Iterator[bytes]:
    for _ in range(total // len(CHUNK)):
        yield b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK)
    yield b"0\r\n\r\n"


def test_a_declared_100_mb_body_is_refused_before_any_of_it_is_read(
    address: tuple[str, int],
) -> None:
    total = 100 * 1024 * 1024
    head = (
        b"POST /dingtalk/events HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % total
    )

    answer, sent = send_until_answered(address, head, declared(total))

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # What the client managed to send meanwhile sat in the sockets' buffers (megabytes
    # on loopback), unread.
    assert sent < total // 10


def test_a_chunked_body_is_refused_once_it_passes_the_limit(address: tuple[str, int]) -> None:
    head = (
        b"POST /dingtalk/events HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )

    total = 100 * 1024 * 1024

    answer, sent = send_until_answered(address, head, chunked(total))

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < total // 10
