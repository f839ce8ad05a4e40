"""The releases list, and its table body alone for the page's live updates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from releasegate.catalog.models import Project
from releasegate.web.release_filters import FILTER_NAMES, apply_filters
from releasegate.web.release_pages import page_of

PAGE_SIZE = 50
# Any page number past this is past the end (50 million releases): the last page is shown.
LAST_PAGE_ASKED = 1_000_000


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    context = _listing(request)
    context["projects"] = Project.objects.filter(present=True).order_by("key")
    return render(request, "web/releases.html", context)


@login_required
def release_rows(request: HttpRequest) -> HttpResponse:
    """The table body only: the list page fetches it every few seconds."""
    return render(request, "web/_release_rows.html", _listing(request))


def _listing(request: HttpRequest) -> dict[str, object]:
    applied = apply_filters(request.GET)
    number, page_problem = _page_number(request.GET.get("page"))
    page = page_of(applied.releases, number, PAGE_SIZE)
    problems = [*applied.problems, *([page_problem] if page_problem else [])]
    kept = request.GET.copy()
    kept.pop("page", None)
    return {
        "filters": applied.form,
        "problems": problems,
        "page": page,
        "releases": page.releases,
        "query": kept.urlencode(),
        "filtered": any(request.GET.get(name) for name in FILTER_NAMES),
    }


def _page_number(number: str | None) -> tuple[int, str]:
    """The requested page number, or the first page with a message naming the parameter
    when it is not a page number."""
    if number is None or number == "":
        return 1, ""
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not number.isascii() or not number.isdigit() or not number.strip("0"):
        return 1, _("Page: %(value)s is not a page number.") % {"value": number[:20]}
    # Bounded before it becomes an integer: a long run of digits is not worth parsing.
    digits = number.lstrip("0")
    return (int(digits) if len(digits) < 7 else LAST_PAGE_ASKED), ""
