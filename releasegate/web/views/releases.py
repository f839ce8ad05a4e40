"""The releases list, and its table body alone for the page's live updates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from releasegate.catalog.models import Project
from releasegate.releases.models import Release
from releasegate.web.release_filters import FILTER_NAMES, apply_filters

PAGE_SIZE = 50


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
    page, page_problem = _page(Paginator(applied.releases, PAGE_SIZE), request.GET.get("page"))
    problems = [*applied.problems, *([page_problem] if page_problem else [])]
    kept = request.GET.copy()
    kept.pop("page", None)
    return {
        "filters": applied.form,
        "problems": problems,
        "page": page,
        "releases": page.object_list,
        "query": kept.urlencode(),
        "filtered": any(request.GET.get(name) for name in FILTER_NAMES),
    }


def _page(paginator: Paginator[Release], number: str | None) -> tuple[Page[Release], str]:
    """The requested page (the last one when past the end), or the first one with a
    message naming the parameter when it is not a page number."""
    if number is None or number == "":
        return paginator.page(1), ""
    if not number.isdigit() or int(number) < 1:
        return paginator.page(1), _("Page: %(value)s is not a page number.") % {
            "value": number[:20]
        }
    return paginator.get_page(number), ""
