"""For bench/load.py's servers only: how long Django held each request, in the answer.

First in the middleware chain, so what it measures is everything the application does
(every middleware, the view, the database), and neither the time a request waited in
the WSGI server's queue for a thread nor the network. `app` is the wall time, `cpu` the
CPU time of the request's thread: the gap between them is time spent waiting (for the
GIL while other threads run, for SQLite's write lock, for the disk). The load generator
reads the standard `Server-Timing` header this adds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wall, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        response["Server-Timing"] = f"app;dur={wall * 1000:.3f}, cpu;dur={cpu * 1000:.3f}"
        return response
