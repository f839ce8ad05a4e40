"""The catalog as the last syncs left it: projects, their applications and parameters,
and what the last syncs changed.

A small catalog is shown whole. A large one (a 5,000-job Jenkins makes a page of several
megabytes that takes seconds to render) lists its projects, and the applications of the
one chosen.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from releasegate.catalog.models import Application, CatalogSync, Project
from releasegate.lib.json_items import leading_items
from releasegate.web.readable import catalog_change

SYNCS_SHOWN = 5
# A first sync of a large Jenkins "adds" thousands of jobs: the page lists the first ones.
CHANGES_SHOWN = 50
# Up to this many applications, every project is shown with its applications.
SHOWN_WHOLE = 300
# How long a project's drawn table is kept (it stays right longer: see `show`).
CACHED_SECONDS = 3600
CHANGE_KINDS: dict[str, Any] = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "changed": gettext_lazy("changed"),
}


@login_required
def show(request: HttpRequest) -> HttpResponse:
    projects = _projects()
    whole = sum(count for _, count in projects) <= SHOWN_WHOLE
    chosen = request.GET.get("project")
    detailed = [p for p, _ in projects if whole or (chosen is not None and p.key == chosen)]
    # The changes are read apart, and only as many as are shown (`_first_changes`).
    recent = CatalogSync.objects.defer("changes").order_by("-started_at", "-id")
    syncs = list(recent[:SYNCS_SHOWN])
    shown = _first_changes([sync.pk for sync in syncs])
    context = {
        "projects": projects,
        "detailed": _with_applications(detailed),
        "whole": whole,
        "chosen": chosen,
        "last_success": recent.filter(succeeded=True).first(),
        # A project's table is drawn once per successful sync (and language): nothing
        # else writes the catalog, and a sync writes it in the same transaction as its
        # record (catalog/sync.py), so a newer sync is a new key and no table is stale.
        # The newest successful sync's id is the mark the form's in-memory catalog
        # reloads on too (catalog/snapshot.py). Drawing the 100 applications of a
        # project took most of the page's time.
        "catalog_version": _newest_successful_sync(),
        "catalog_cached_for": CACHED_SECONDS,
        "syncs": [(sync, _readable(shown.get(sync.pk, []))) for sync in syncs],
        "changes_shown": CHANGES_SHOWN,
    }
    return render(request, "web/catalog.html", context)


def _newest_successful_sync() -> int | None:
    newest = CatalogSync.objects.filter(succeeded=True).order_by("-id")
    return newest.values_list("id", flat=True).first()


def _first_changes(sync_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The first changes of each sync, parsed from the stored text without the rest: a
    first sync of a large Jenkins keeps thousands, and parsing them all made the page
    slow."""
    texts = (
        CatalogSync.objects.filter(pk__in=sync_ids)
        .annotate(text=Cast("changes", TextField()))
        .values_list("pk", "text")
    )
    return {pk: leading_items(text or "[]", CHANGES_SHOWN) for pk, text in texts}


def _readable(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each change with its details as lines a person reads and its kind in their words."""
    return [
        {
            **change,
            "kind": CHANGE_KINDS.get(change["change"], change["change"]),
            "lines": catalog_change(change.get("details") or {}),
        }
        for change in changes
    ]


def _projects() -> list[tuple[Project, int]]:
    """Each project with how many applications it has."""
    counts = dict(
        Application.objects.filter(present=True)
        .values("project")
        .annotate(count=Count("id"))
        .values_list("project", "count")
    )
    projects = Project.objects.filter(present=True).order_by("server", "key")
    return [(project, counts.get(project.pk, 0)) for project in projects]


def _with_applications(projects: list[Project]) -> QuerySet[Project]:
    applications = Application.objects.filter(present=True).order_by("full_name")
    return (
        Project.objects.filter(pk__in=[project.pk for project in projects])
        .order_by("server", "key")
        .prefetch_related(Prefetch("applications", queryset=applications))
    )
