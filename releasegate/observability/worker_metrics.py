"""The metrics of a `releasegate worker` process, on a port of its own.

A worker has no web server, and its counters (Jenkins and DingTalk calls, trigger
latency) live in its own memory, so it answers scrapes itself: the same exposition as
`/metrics`, behind the same optional bearer token. prometheus_client's
`start_http_server` has no place for the token check or for closing the database
connection each scrape thread opens, so this is that server with both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.db import connections
from prometheus_client import REGISTRY, make_wsgi_app

from releasegate.observability.metrics import bearer_token_accepted

StartResponse = Callable[..., Any]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """A line per scrape would drown the worker's own log."""


def metrics_app(token: str) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    exposition = make_wsgi_app(REGISTRY)

    def app(request: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # The WSGI request, named so: its keys are HTTP headers, not settings.
        if not bearer_token_accepted(request.get("HTTP_AUTHORIZATION", ""), token):
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
            )
            return [b"a bearer token is required\n"]
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

    def __init__(self, host: str, port: int, token: str) -> None:
        self._server = make_server(
            host, port, metrics_app(token), server_class=_Server, handler_class=_QuietHandler
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
