"""`/healthz`, `/readyz` and `/metrics`: for load balancers, orchestrators and Prometheus.

None of them needs a session or a CSRF token; `/metrics` needs the bearer token when
METRICS_TOKEN is set, and is closed without one unless METRICS_OPEN (or the demo) opens
it. No answer carries a secret or a traceback.
"""

from __future__ import annotations

import logging
import threading
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from releasegate.observability.health import external_checks, readiness
from releasegate.observability.metrics import scrape_refusal

logger = logging.getLogger("releasegate.readiness")


class _ReadinessLog:
    """Says when this process's readiness changes, once, instead of an error line per
    probe (Django logs every 5xx answer as an ERROR; a probe every few seconds during an
    outage would bury everything else)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failing: list[str] = []

    def saw(self, failing: list[str], reasons: dict[str, str]) -> None:
        with self._lock:
            changed, self._failing = failing != self._failing, failing
        if not changed:
            return
        if failing:
            said = "; ".join(f"{name}: {reasons[name]}" for name in failing)
            logger.warning("not ready: %s", said)
        else:
            logger.info("ready again")


readiness_log = _ReadinessLog()


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Touches nothing else, so a slow database or Jenkins
    never gets a healthy process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: 200 when every check passed, 503 naming the ones that failed. Anyone sees
    each check's name and state; only a staff session also sees how long each took and
    why it failed (the services' answers may name hosts, users or versions)."""
    results = readiness.results(external_checks(settings.CONFIG))
    failing = sorted(name for name, result in results.items() if not result.ok)
    detailed = _staff(request)
    body = {
        "status": "unavailable" if failing else "ok",
        "failing": failing,
        "checks": {
            name: result.as_json() if detailed else {"ok": result.ok}
            for name, result in results.items()
        },
    }
    readiness_log.saw(failing, {name: results[name].error for name in failing})
    response = JsonResponse(body, status=503 if failing else 200)
    # Logged above when it changed; Django would log every 503 as an ERROR.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _staff(request: HttpRequest) -> bool:
    """Whether the request carries a staff member's session. This view runs before the
    session and authentication middleware (see the middleware's docstring), so it reads
    the session itself, only when a cookie is there: a probe sends none."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(key)
    try:
        user = get_user(request)
    except DatabaseError:  # the database may be what is failing: no details then
        return False
    return bool(user.is_active and user.is_staff)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    refusal = scrape_refusal(
        request.headers.get("Authorization", ""), settings.CONFIG.observability
    )
    if refusal is not None:
        status, reason = refusal
        response = HttpResponse(reason, status=status, content_type="text/plain")
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
