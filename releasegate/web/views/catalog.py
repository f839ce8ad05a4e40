"""The catalog as the last syncs left it: projects, their applications and parameters,
and what the last syncs changed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from releasegate.catalog.models import Application, CatalogSync, Project

SYNCS_SHOWN = 5
# A first sync of a large Jenkins "adds" thousands of jobs: the page lists the first ones.
CHANGES_SHOWN = 50


@login_required
def show(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.filter(present=True).order_by("full_name")
    projects = (
        Project.objects.filter(present=True)
        .order_by("server", "key")
        .prefetch_related(Prefetch("applications", queryset=applications))
    )
    syncs = list(CatalogSync.objects.order_by("-started_at", "-id")[:SYNCS_SHOWN])
    context = {
        "projects": projects,
        "last_success": CatalogSync.objects.filter(succeeded=True)
        .order_by("-started_at", "-id")
        .first(),
        "syncs": [(sync, sync.changes[:CHANGES_SHOWN]) for sync in syncs],
        "changes_shown": CHANGES_SHOWN,
    }
    return render(request, "web/catalog.html", context)
