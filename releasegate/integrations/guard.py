"""What every endpoint the outside world can reach goes through first: a rate limit per
client address (429 with `Retry-After`) and a body size limit (413), both checked before
the body is read or anything is authenticated.

The client address is `REMOTE_ADDR`: behind a reverse proxy that is the proxy, so the
limit then applies to all callers together (raise it, or let the proxy limit per client;
a forwarded-for header is not trusted here because anyone can send one).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from releasegate.config.public import PublicLimits
from releasegate.lib.ratelimit import RateLimiter, retry_after

logger = logging.getLogger("releasegate.guard")

View = Callable[[HttpRequest], HttpResponse]
# Seconds, monotonic; tests replace it to move time without sleeping.
clock: Callable[[], float] = time.monotonic
_limiters: dict[tuple[float, int], RateLimiter] = {}


def public_endpoint(view: View) -> View:
    """`view`, refusing floods and oversized bodies before it runs."""

    @wraps(view)
    def guarded(request: HttpRequest) -> HttpResponse:
        limits: PublicLimits = settings.CONFIG.public
        return _too_fast(request, limits) or _too_big(request, limits) or view(request)

    return guarded


def _too_fast(request: HttpRequest, limits: PublicLimits) -> HttpResponse | None:
    if limits.rate_per_second <= 0:
        return None
    key = (limits.rate_per_second, limits.burst)
    limiter = _limiters.get(key) or _limiters.setdefault(key, RateLimiter(*key))
    client = _client(request)
    wait, first = limiter.admit(client, clock())
    if not wait:
        return None
    if first:  # once per run of refusals: a flood must not flood the log as well
        logger.warning("rate limited %s on %s (%s/s)", client, request.path, key[0])
    refused = JsonResponse(
        {"error": f"too many requests from {client}; retry after {retry_after(wait)} s"},
        status=429,
    )
    refused["Retry-After"] = retry_after(wait)
    return refused


def _too_big(request: HttpRequest, limits: PublicLimits) -> HttpResponse | None:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit():
        return JsonResponse(
            {"error": "malformed Content-Length header", "field": "Content-Length"}, status=400
        )
    if int(declared) <= limits.max_body_bytes:
        return None
    logger.warning("refused %s bytes to %s from %s", declared, request.path, _client(request))
    return JsonResponse(
        {"error": f"body too large: at most {limits.max_body_bytes} bytes", "field": "body"},
        status=413,
    )


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "?")
