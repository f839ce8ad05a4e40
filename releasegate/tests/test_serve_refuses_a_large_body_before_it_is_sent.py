"""`releasegate serve` refuses a body above RELEASEGATE_MAX_BODY_BYTES while the client
is still sending it: the web server itself answers 413, so nobody can make it read (and
spool to disk) a body of any size, authenticated or not. Over a real socket."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from releasegate.tests.cli import releasegate

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
    data_dir: Path = tmp_path_factory.mktemp("serve")
    assert releasegate("migrate", env=SETTINGS, data_dir=data_dir).returncode == 0
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DINGTALK_", "JENKINS_"))},
        **SETTINGS,
        "RELEASEGATE_DATA_DIR": str(data_dir),
    }
    environment.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "serve", "--port", "0", "--no-worker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        url = urlsplit(banner.split("serving on ")[1].split()[0])
        assert url.hostname and url.port, banner
        yield url.hostname, url.port
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=20)


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
    assert sent < 2 * 1024 * 1024


def test_a_chunked_body_is_refused_once_it_passes_the_limit(address: tuple[str, int]) -> None:
    head = (
        b"POST /dingtalk/events HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )

    answer, sent = send_until_answered(address, head, chunked(20 * 1024 * 1024))

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 2 * 1024 * 1024
