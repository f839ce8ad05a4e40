"""While the database cannot be reached, every caller gets a 503 saying so, not a 500.

The database is ReleaseGate's queue and memory; when it restarts (a failover, an upgrade)
a request that needed it cannot be answered. A 503 with `Retry-After` is the answer
probes, proxies and the approval platforms' retries understand (DingTalk, Feishu and
WeCom deliver an event again on anything but a 2xx); a traceback per request would bury
the one line an operator needs, so it is logged once a minute with how many it stands
for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from releasegate.lib.log_throttle import WarningThrottle

logger = logging.getLogger("releasegate.web")
RETRY_AFTER_SECONDS = 5
# The API's and the approval platforms' endpoints answer JSON; the pages people read, text.
JSON_PREFIXES = ("/api/", "/dingtalk/", "/feishu/", "/wecom/")
_WARNINGS = WarningThrottle(60)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        count = _WARNINGS.admit("database", time.monotonic())
        if count:
            logger.warning(
                "the database cannot be reached (%s request(s) answered 503): %s",
                count,
                str(exception).splitlines()[0] if str(exception) else type(exception).__name__,
            )
        said = _("The database cannot be reached just now; try again in a few seconds.")
        if request.path.startswith(JSON_PREFIXES):
            answer: HttpResponse = JsonResponse({"detail": said}, status=503)
        else:
            answer = HttpResponse(said, status=503, content_type="text/plain; charset=utf-8")
        answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer
