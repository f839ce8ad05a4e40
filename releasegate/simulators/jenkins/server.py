"""The simulated Jenkins on a real socket, with faults, and its control API.

`/_sim/...` is the control API for tests, the demo and benchmarks; it is kept apart from
the Jenkins API, needs no credentials and never suffers faults. Bind it to loopback.
"""

from __future__ import annotations

import json
import logging
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import ValidationError

from releasegate.simulators.jenkins.app import JenkinsApp
from releasegate.simulators.jenkins.export import ms
from releasegate.simulators.jenkins.model import SimBuild, SimQueueItem
from releasegate.simulators.jenkins.responses import (
    JETTY_VERSION,
    JenkinsFailure,
    Request,
    Response,
    error_page,
    json_response,
)
from releasegate.simulators.jenkins.scenario import CommitSpec, FaultSpec, JobSpec, Scenario
from releasegate.simulators.jenkins.state import World

logger = logging.getLogger("releasegate.simulators.jenkins")
Fault = Literal["none", "error", "timeout", "reset", "lost"]
MAX_BODY = 10 * 1024 * 1024
# Jenkins.SESSION_HASH: 8 hex digits, new on each start (fixed here: it names the cookie).
SESSION_HASH = "5e8d2c1b"


class FaultPlan:
    """Decides, per request, which misbehaviour (if any) it suffers."""

    def __init__(self, spec: FaultSpec, seed: int) -> None:
        self.spec = spec
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def pick(self, method: str, path: str) -> Fault:
        spec = self.spec
        if spec.methods is not None and method not in spec.methods:
            return "none"
        if spec.paths is not None and not any(part in path for part in spec.paths):
            return "none"
        with self._lock:
            roll = self._random.random()
        for fault, rate in (
            ("reset", spec.reset_rate),
            ("error", spec.error_rate),
            ("timeout", spec.timeout_rate),
            ("lost", spec.lost_response_rate),
        ):
            if roll < rate:
                return fault  # type: ignore[return-value]
            roll -= rate
        return "none"


@dataclass
class RequestLog:
    total: int = 0
    faults: int = 0
    # Requests that suffered each fault, by its name.
    by_fault: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "faults": self.faults, "by_fault": dict(self.by_fault)}


class JenkinsSimulator:
    """A simulated Jenkins serving on `host:port` (port 0 picks a free one)."""

    def __init__(self, scenario: Scenario, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = World(scenario)
        self.faults = FaultPlan(scenario.faults, scenario.seed)
        self.requests = RequestLog()
        self._log_lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.simulator = self  # type: ignore[attr-defined]
        # Jenkins' root: below the prefix when it runs under one.
        self.url = f"http://{host}:{self._httpd.server_port}{scenario.prefix}/"
        self.app = JenkinsApp(self.world, scenario.root_url or self.url)
        self._thread: threading.Thread | None = None

    def start(self) -> JenkinsSimulator:
        # A short poll interval lets stop() return quickly (tests start one per test).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> JenkinsSimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def count(self, fault: Fault) -> None:
        with self._log_lock:
            self.requests.total += 1
            if fault != "none":
                self.requests.faults += 1
                self.requests.by_fault[fault] = self.requests.by_fault.get(fault, 0) + 1

    # -- control API --------------------------------------------------------------

    def control(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Response:
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return _control_error(400, "body is not JSON")
        try:
            return self._control(method, path, query, payload)
        except (ValidationError, ValueError, TypeError) as exc:
            return _control_error(400, str(exc))

    def _control(
        self, method: str, path: str, query: dict[str, list[str]], payload: Any
    ) -> Response:
        world = self.world
        with world.lock:
            world.advance()
            if (method, path) == ("GET", "/_sim/builds"):
                return json_response([_build_record(b) for b in world.all_builds()])
            if (method, path) == ("GET", "/_sim/queue"):
                return json_response([_item_record(i) for i in world.queue.values()])
            if (method, path) == ("GET", "/_sim/faults"):
                return json_response(self.faults.spec.model_dump())
            if (method, path) == ("POST", "/_sim/faults"):
                self.faults = FaultPlan(FaultSpec.model_validate(payload), world.scenario.seed)
                return json_response(self.faults.spec.model_dump())
            if (method, path) == ("POST", "/_sim/clock"):
                world.clock.advance(float(payload.get("advance", 0)))
                world.advance()
                return json_response({"now_ms": ms(world.clock.now())})
            if (method, path) == ("GET", "/_sim/clock"):
                return json_response({"now_ms": ms(world.clock.now())})
            if (method, path) == ("GET", "/_sim/requests"):
                return json_response(self.requests.as_dict())
            if (method, path) == ("POST", "/_sim/requests/reset"):
                self.requests = RequestLog()
                return json_response(self.requests.as_dict())
            if (method, path) == ("POST", "/_sim/jobs"):
                job = world.add_job(JobSpec.model_validate(payload))
                return json_response({"path": job.full_name})
            if (method, path) == ("POST", "/_sim/commits"):
                return self._push_commits(payload)
            if (method, path) == ("DELETE", "/_sim/jobs"):
                removed = world.remove((query.get("path") or [""])[0])
                return json_response({"removed": removed})
            if (method, path) == ("POST", "/_sim/sessions/expire"):
                self.app.security.sessions.clear()
                return json_response({"expired": True})
        return _control_error(404, f"no control endpoint {method} {path}")

    def _push_commits(self, payload: Any) -> Response:
        """Commits pushed to a job's repository: its next build records them."""
        job = self.world.job(str(payload.get("job", "")))
        if job is None:
            return _control_error(404, f"no job {payload.get('job')!r}")
        specs = [CommitSpec.model_validate(commit) for commit in payload.get("commits", [])]
        pushed = self.world.push_commits(job, specs)
        return json_response({"commit_ids": [commit.commit_id for commit in pushed]})


def _outside_the_prefix(path: str) -> Response:
    """The servlet container's 404 for a path outside Jenkins' prefix: Jenkins never sees
    the request, so the answer has none of the headers Jenkins' own code adds
    (X-Jenkins). The page is Jetty's plain error page (its exact text is approximated)."""
    return error_page(path, JenkinsFailure(404, "Not Found"))


def _control_error(status: int, message: str) -> Response:
    response = json_response({"error": message})
    response.status = status
    return response


def _build_record(build: SimBuild) -> dict[str, Any]:
    return {
        "job": build.job.full_name,
        "number": build.number,
        "queue_id": build.queue_id,
        "parameters": {spec.name: value for spec, value in build.parameters or []},
        "causes": [cause["shortDescription"] for cause in build.causes],
        "building": build.building,
        "result": build.result,
        "started_ms": ms(build.started_at),
        "finished_ms": ms(build.finished_at) if build.finished_at else None,
        "input": {
            "state": build.input_state,
            "values": build.input_values,
            "by": build.input_by,
        },
    }


def _item_record(item: SimQueueItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "job": item.job.full_name,
        "state": item.state,
        "cancelled": item.cancelled,
        "parameters": {spec.name: value for spec, value in item.parameters or []},
        "causes": len(item.causes),
        "build": item.build.number if item.build else None,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Jetty's HttpConfiguration sends `Server: Jetty(<version>)` (Winstone keeps the
    # default sendServerVersion); Python's own suffix is dropped.
    server_version = f"Jetty({JETTY_VERSION})"
    sys_version = ""
    # Headers and body go out in separate writes; without TCP_NODELAY each keep-alive
    # request would wait out the peer's delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    @property
    def simulator(self) -> JenkinsSimulator:
        return self.server.simulator  # type: ignore[attr-defined,no-any-return]

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(Response(413, b"Request too large"), method)
            return
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        query = parse_qs(split.query, keep_blank_values=True)
        simulator = self.simulator
        prefix = simulator.world.scenario.prefix
        path = split.path
        if prefix and (path + "/").startswith(prefix + "/"):
            path = path[len(prefix) :] or "/"
        elif prefix and not path.startswith("/_sim/"):
            self._send(_outside_the_prefix(path), method, jenkins=False)
            return
        if path.startswith("/_sim/"):
            self._send(simulator.control(method, path, query, body), method)
            return
        fault = simulator.faults.pick(method, split.path)
        simulator.count(fault)
        if simulator.faults.spec.latency_ms:
            time.sleep(simulator.faults.spec.latency_ms / 1000)
        if fault == "reset":
            self._reset()
            return
        if fault == "error":
            self._send(
                Response(
                    503, b"<html><body><h2>HTTP ERROR 503 Service Unavailable</h2></body></html>"
                ),
                method,
            )
            return
        if fault == "timeout":
            time.sleep(simulator.faults.spec.timeout_seconds)
            self.close_connection = True
            return
        response = simulator.app.handle(self._request(method, split.path, query, body))
        if fault == "lost":
            # The request took effect; the answer never arrives.
            self.close_connection = True
            return
        self._send(response, method)

    def _request(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Request:
        content_type = self.headers.get("Content-Type", "")
        form = (
            parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if content_type.startswith("application/x-www-form-urlencoded")
            else {}
        )
        cookies = SimpleCookie()
        cookies.load(self.headers.get("Cookie", ""))
        return Request(
            method=method,
            path=path,
            query=query,
            form=form,
            headers={name.lower(): value for name, value in self.headers.items()},
            cookies={name: morsel.value for name, morsel in cookies.items()},
        )

    def _send(self, response: Response, method: str, *, jenkins: bool = True) -> None:
        simulator = self.simulator
        self.send_response(response.status)
        if jenkins:
            # Api.setHeaders and Functions.advertiseHeaders send these on API answers and
            # pages; sent here on every answer Jenkins gives, so a client finds them
            # wherever it looks.
            self.send_header("X-Jenkins", simulator.world.scenario.jenkins_version)
            self.send_header("X-Jenkins-Session", SESSION_HASH)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()
