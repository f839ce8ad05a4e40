"""The metrics of a `releasegate worker` process, on a port of its own.

A worker has no web server, and its counters (Jenkins and DingTalk calls, trigger
latency) live in its own memory, so it answers scrapes itself: the same exposition as
`/metrics`, behind the same bearer token (closed, as `/metrics` is, when none is set and
METRICS_OPEN is off). prometheus_client's
`start_http_server` has no place for the token check or for closing the database
connection each scrape thread opens, so this is that server with both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.db import connections
from prometheus_client import REGISTRY, make_wsgi_app

from releasegate.config.observability import ObservabilitySettings
from releasegate.observability.metrics import scrape_refusal

StartResponse = Callable[..., Any]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """A line per scrape would drown the worker's own log."""


def metrics_app(
    settings: ObservabilitySettings,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    exposition = make_wsgi_app(REGISTRY)

    def app(request: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # `request` is the WSGI environ: the request's variables, not the process's.
        refusal = scrape_refusal(request.get("HTTP_AUTHORIZATION", ""), settings)
        if refusal is not None:
            status, reason = refusal
            headers = [("Content-Type", "text/plain")]
            if status == 401:
                headers.append(("WWW-Authenticate", 'Bearer realm="metrics"'))
            start_response(f"{status} {HTTPStatus(status).phrase}", headers)
            return [reason.encode()]
        try:
            answer: Iterable[bytes] = exposition(request, start_response)
            return answer
        finally:
            # Every scrape runs on a new thread: its database connection ends with it.
            connections.close_all()

    return app


class MetricsServer:
    """Serves the process's metrics on `host:port` (port 0: any free one) in a daemon
    thread until `stop()`."""

    def __init__(self, host: str, port: int, settings: ObservabilitySettings) -> None:
        self._server = make_server(
            host, port, metrics_app(settings), server_class=_Server, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="metrics", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
