"""Probes and scrapes arrive addressed to an IP, not to a name in ALLOWED_HOSTS.

Kubernetes probes a pod at `http://<pod IP>:<port>/readyz`, and Prometheus scrapes the
address it discovered, so their `Host` is an IP that no ALLOWED_HOSTS lists; Django's
host check (in CommonMiddleware) would answer them 400. These three answers do not
depend on the host (no link, no redirect, no cookie is built from it), so this
middleware, first in the chain, answers them before that check. Every other path keeps
the check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from releasegate.observability import views

ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.healthz,
    "/readyz": views.readyz,
    "/metrics": views.metrics,
}


class ObservabilityEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ENDPOINTS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
