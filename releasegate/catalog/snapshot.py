"""The catalog as the request path reads it: immutable, in memory, no queries per request.

`current()` returns the snapshot, reloading it when a newer successful sync exists (the
check itself is one indexed query, made at most every `STALE_AFTER` seconds per
process), so a sync run by another process reaches every web server within seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from releasegate.catalog.models import Application, CatalogSync, ParameterDefinition

STALE_AFTER = 5.0


@dataclass(frozen=True)
class CatalogParameter:
    name: str
    kind: str
    description: str
    default: Any
    choices: tuple[str, ...]
    default_hidden: bool


@dataclass(frozen=True)
class CatalogApplication:
    id: int
    server: str
    full_name: str
    display_name: str
    description: str
    project_key: str
    url: str
    parameters: tuple[CatalogParameter, ...]

    def parameter(self, name: str) -> CatalogParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class CatalogProject:
    key: str
    display_name: str
    description: str
    applications: tuple[CatalogApplication, ...]


@dataclass(frozen=True)
class CatalogSnapshot:
    projects: tuple[CatalogProject, ...]
    sync_id: int | None
    synced_at: datetime | None
    projects_by_key: dict[str, CatalogProject] = field(default_factory=dict)
    applications_by_name: dict[str, CatalogApplication] = field(default_factory=dict)

    @property
    def applications(self) -> list[CatalogApplication]:
        return [app for project in self.projects for app in project.applications]


def load() -> CatalogSnapshot:
    """Read the offered part of the catalog from the database."""
    latest = CatalogSync.objects.filter(succeeded=True).order_by("-id").first()
    apps = list(
        Application.objects.filter(present=True, exposed=True, buildable=True)
        .select_related("project")
        .order_by("project__key", "full_name")
    )
    parameters: dict[int, list[CatalogParameter]] = {app.pk: [] for app in apps}
    for row in ParameterDefinition.objects.filter(application_id__in=list(parameters)).order_by(
        "application_id", "position"
    ):
        parameters[row.application_id].append(
            CatalogParameter(
                name=row.name,
                kind=row.kind,
                description=row.description,
                default=row.default,
                choices=tuple(row.choices),
                default_hidden=row.default_hidden,
            )
        )
    grouped: dict[str, list[CatalogApplication]] = {}
    names: dict[str, Any] = {}
    for app in apps:
        grouped.setdefault(app.project.key, []).append(
            CatalogApplication(
                id=app.pk,
                server=app.server,
                full_name=app.full_name,
                display_name=app.display_name,
                description=app.description,
                project_key=app.project.key,
                url=app.url,
                parameters=tuple(parameters[app.pk]),
            )
        )
        names[app.project.key] = app.project
    projects = tuple(
        CatalogProject(
            key=key,
            display_name=names[key].display_name,
            description=names[key].description,
            applications=tuple(members),
        )
        for key, members in grouped.items()
    )
    return CatalogSnapshot(
        projects=projects,
        sync_id=latest.pk if latest else None,
        synced_at=latest.finished_at if latest else None,
        projects_by_key={project.key: project for project in projects},
        applications_by_name={app.full_name: app for p in projects for app in p.applications},
    )


class _Holder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot: CatalogSnapshot | None = None
        self.checked_at = 0.0


_holder = _Holder()


def refresh() -> CatalogSnapshot:
    """Reload now (called after a sync in this process)."""
    snapshot = load()
    with _holder.lock:
        _holder.snapshot, _holder.checked_at = snapshot, time.monotonic()
    return snapshot


def current() -> CatalogSnapshot:
    """The snapshot, reloaded if another process has synced since it was loaded."""
    with _holder.lock:
        snapshot, checked_at = _holder.snapshot, _holder.checked_at
    if snapshot is not None and time.monotonic() - checked_at < STALE_AFTER:
        return snapshot
    latest = (
        CatalogSync.objects.filter(succeeded=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if snapshot is not None and latest == snapshot.sync_id:
        with _holder.lock:
            _holder.checked_at = time.monotonic()
        return snapshot
    return refresh()
