"""The load generator of bench/load.py, a process of its own (no Django in it).

It keeps `--concurrency` keep-alive connections with one request in flight each, spread
round-robin over the server ports given, from one thread and a `selectors` loop over raw
sockets: no HTTP library in the way, so a request costs the generator tens of
microseconds and the server is what limits the rate. Requests are prebuilt bytes, taken
in turn from the file bench/load.py wrote. Two ways to send:

- closed loop (the default): a connection sends its next request as soon as its answer
  is complete. The server runs flat out, so the rate is its capacity and the latency is
  mostly time spent waiting behind the other connections' requests;
- open loop (`--rate N`): requests are due at N per second whatever the answers do, as
  independent callers send them, each on an idle connection. Latency counts from when
  the request was due, so a request held back because every connection was busy counts
  its wait too (no "coordinated omission").

Latency is client-measured, until the answer is complete; only requests sent after the
warm-up and answered before the end of the window count.

During the measured window it also takes the CPU time of the processes named by
`--watch` (the servers, the worker), its own, and the machine's, from /proc (Linux), so
the figures say which side was busy.

    python bench/load_client.py --requests FILE --ports 8000[,8001] [--concurrency 8]
                                [--rate N] [--warmup 2] [--duration 5] [--watch PID ...]

Prints one JSON object: latencies in ms (sorted), status counts, CPU use.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
TIMEOUT_SECONDS = 10.0
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Connection:
    port: int
    sock: socket.socket
    sent_at: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)


@dataclass
class Answer:
    status: int
    body: bytes
    closes: bool
    # The server's own `Server-Timing` (ms), when it sends one: {"app": ..., "cpu": ...}.
    timing: dict[str, float] = field(default_factory=dict)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    server: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    refused: int = 0
    reconnects: int = 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=Path, required=True, help="JSON from bench/load.py")
    parser.add_argument("--ports", required=True, help="comma-separated server ports")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=0.0, help="requests/s due (open loop)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not counted")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds counted")
    parser.add_argument("--watch", type=int, nargs="*", default=[], help="pids to take CPU of")
    args = parser.parse_args()
    spec = json.loads(args.requests.read_text(encoding="utf-8"))
    requests = [_raw(request) for request in spec["requests"]]
    refusal = spec.get("refusal", "").encode()
    ports = [int(port) for port in args.ports.split(",")]
    result = run(ports, requests, refusal, args)
    json.dump(result, sys.stdout)
    return 0


def _raw(request: dict[str, Any]) -> bytes:
    """The bytes of one request from the file: a GET (no `body`) has no body headers;
    `content_type` defaults to JSON."""
    lines = [f"{request['method']} {request['path']} HTTP/1.1", f"Host: {HOST}"]
    body = b""
    if "body" in request:
        body = str(request["body"]).encode("utf-8")
        content_type = request.get("content_type", "application/json")
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in request.get("headers", {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def run(
    ports: list[int], requests: list[bytes], refusal: bytes, args: argparse.Namespace
) -> dict[str, Any]:
    selector = selectors.DefaultSelector()
    connections = [_connect(ports[n % len(ports)]) for n in range(args.concurrency)]
    tally = Tally()
    started = time.perf_counter()
    window = (started + args.warmup, started + args.warmup + args.duration)
    sender = Sender(requests, args.rate, started, list(connections))
    for connection in connections:
        selector.register(connection.sock, selectors.EVENT_READ, connection)
    before: dict[str, float] | None = None
    while (now := time.perf_counter()) < window[1]:
        if before is None and now >= window[0]:
            before = _cpu(args.watch)
        sender.send_due(now)
        wake = min(window[0] if before is None else window[1], sender.next_due)
        for key, _ in selector.select(timeout=max(wake - now, 0.0)):
            connection = key.data
            answer = _receive(connection)
            if answer is None:
                continue
            _count(tally, connection, answer, refusal, window)
            if answer.closes:
                selector.unregister(connection.sock)
                _reconnect(connection, tally)
                selector.register(connection.sock, selectors.EVENT_READ, connection)
            sender.idle.append(connection)
    after = _cpu(args.watch)
    for connection in connections:
        connection.sock.close()
    return _result(tally, before or after, after, args)


class Sender:
    """Which request goes next, on which connection, and when: at once on every idle
    connection (closed loop, `rate` 0), or each when it is due (open loop)."""

    def __init__(
        self, requests: list[bytes], rate: float, started: float, idle: list[Connection]
    ) -> None:
        self.requests, self.rate, self.started = requests, rate, started
        self.idle = idle
        self.serial = 0

    @property
    def next_due(self) -> float:
        """When the next request is to be sent; never, for the loop's wake-up, while no
        connection is free to send it."""
        if not self.rate or not self.idle:
            return float("inf")
        return self.started + self.serial / self.rate

    def send_due(self, now: float) -> None:
        while self.idle and (not self.rate or self.next_due <= now):
            due = self.next_due if self.rate else time.perf_counter()
            # Sent late (every connection was busy): the wait counts, from when it was due.
            connection = self.idle.pop()
            connection.sent_at = due
            connection.sock.sendall(self.requests[self.serial % len(self.requests)])
            self.serial += 1


def _connect(port: int) -> Connection:
    sock = socket.create_connection((HOST, port), timeout=TIMEOUT_SECONDS)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return Connection(port, sock)


def _reconnect(connection: Connection, tally: Tally) -> None:
    connection.sock.close()
    connection.sock = _connect(connection.port).sock
    connection.buffer.clear()
    tally.reconnects += 1


def _receive(connection: Connection) -> Answer | None:
    """The answer once it is complete (None while more is to come); it is consumed."""
    data = connection.sock.recv(262144)
    if not data:
        raise ConnectionError(f"the server on port {connection.port} closed the connection")
    buffer = connection.buffer
    buffer += data
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(buffer[:head_end]).decode("latin-1").split("\r\n")
    headers = dict(line.split(":", 1) for line in head[1:])
    fields = {name.strip().lower(): value.strip() for name, value in headers.items()}
    if "content-length" not in fields:
        raise ConnectionError(f"an answer without Content-Length: {head[0]}")
    end = head_end + 4 + int(fields["content-length"])
    if len(buffer) < end:
        return None
    body = bytes(buffer[head_end + 4 : end])
    del buffer[:end]
    closes = fields.get("connection", "").lower() == "close"
    return Answer(int(head[0].split()[1]), body, closes, _timing(fields.get("server-timing")))


def _timing(header: str | None) -> dict[str, float]:
    """`app;dur=1.2, cpu;dur=0.9` as {"app": 1.2, "cpu": 0.9}."""
    found = {}
    for metric in (header or "").split(","):
        name, _, duration = metric.strip().partition(";dur=")
        if name and duration:
            found[name] = float(duration)
    return found


def _count(
    tally: Tally,
    connection: Connection,
    answer: Answer,
    refusal: bytes,
    window: tuple[float, float],
) -> None:
    done = time.perf_counter()
    if connection.sent_at < window[0] or done > window[1]:
        return
    tally.latencies.append(done - connection.sent_at)
    for name, milliseconds in answer.timing.items():
        tally.server.setdefault(name, []).append(milliseconds)
    tally.statuses[answer.status] += 1
    # An answer that says no (a validation that failed) would flatter the figures.
    if refusal and refusal in answer.body:
        tally.refused += 1


def _cpu(pids: list[int]) -> dict[str, float]:
    """CPU seconds so far: each watched process, this one, and the machine (busy, total)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    seconds = {"generator": usage.ru_utime + usage.ru_stime, "at": time.perf_counter()}
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime and stime are fields 14 and 15 of proc(5), counted after the ")".
        seconds[str(pid)] = (int(fields[11]) + int(fields[12])) / _TICKS
    machine = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = machine[3] + machine[4]
    seconds["machine_busy"] = (sum(machine[:8]) - idle) / _TICKS
    return seconds


def _result(
    tally: Tally, before: dict[str, float], after: dict[str, float], args: argparse.Namespace
) -> dict[str, Any]:
    wall = after["at"] - before["at"]

    def percent(name: str) -> float:
        return round(100 * (after[name] - before[name]) / wall, 1)

    return {
        "requests": len(tally.latencies),
        "seconds": args.duration,
        "latencies_ms": sorted(round(value * 1000, 3) for value in tally.latencies),
        # What the server says it spent on each of these answers (Server-Timing), by name.
        "server_ms": {name: sorted(values) for name, values in tally.server.items()},
        "statuses": {str(status): count for status, count in sorted(tally.statuses.items())},
        "refused": tally.refused,
        "reconnects": tally.reconnects,
        # Percent of one core; the machine's figure counts every core (200 = 2 cores busy).
        "cpu_percent": {
            "generator": percent("generator"),
            "watched": {str(pid): percent(str(pid)) for pid in args.watch},
            "machine": percent("machine_busy"),
        },
    }


if __name__ == "__main__":
    sys.exit(main())
