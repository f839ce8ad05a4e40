"""Text no database can store, refused before any view or session asks the database.

PostgreSQL refuses NUL in text with a DataError, so `/requests/a%00b/` (a lookup by
instance id) or `?project=%00` (a filter) would be a 500 there while SQLite answers. One
guard for every URL, the dashboard's, the API's and the platforms' alike, rather than a
check in each view: a NUL (or a lone surrogate) in the path is a 404, since no row can
be named so; in a query value or name, a cookie, or the form of a dashboard POST, a 400
naming it. Bodies of the public endpoints (JSON) are checked by their own parsers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from releasegate.lib.storable import text_problem

API_PREFIX = "/api/"


class RefuseUnstorableTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if text_problem(request.path):
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"detail": "Not found."}, status=404)
            raise Http404("no page has this address")
        problem = _first_problem(
            (("query parameter", request.GET.lists()), ("cookie", _cookies(request)))
        )
        return _refusal(request, *problem) if problem else self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        # The CSRF check reads the form of every view it protects anyway; the exempt ones
        # (the platforms' webhooks, the API) parse and check their bodies themselves.
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        problem = _first_problem((("form field", request.POST.lists()),))
        return _refusal(request, *problem) if problem else None


def _cookies(request: HttpRequest) -> Iterable[tuple[str, list[str]]]:
    return ((name, [value]) for name, value in request.COOKIES.items())


def _first_problem(
    sources: Iterable[tuple[str, Iterable[tuple[str, list[str]]]]],
) -> tuple[str, str, str] | None:
    """(what, its name, why) of the first text that cannot be stored."""
    for what, pairs in sources:
        for name, values in pairs:
            for text in (name, *values):
                why = text_problem(text)
                if why:
                    return what, name, why
    return None


def _shown(name: str) -> str:
    return repr(name.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode())


def _refusal(request: HttpRequest, what: str, name: str, why: str) -> HttpResponse:
    """JSON everywhere: the API's own shape for a query it cannot read ({"<parameter>":
    ["why"]}), the platforms' and the dashboard's {"error", "field"} (a browser sending
    NUL is no person filling in a page)."""
    answer: dict[str, object]
    if request.path.startswith(API_PREFIX):
        answer = {name: [why]} if what == "query parameter" else {"detail": f"{what}: {why}"}
    else:
        answer = {"error": f"{what} {_shown(name)} {why}", "field": name}
    return JsonResponse(answer, status=400)
