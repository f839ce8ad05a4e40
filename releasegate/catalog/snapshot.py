"""The catalog as the request path reads it: immutable, in memory, no queries per request.

`current()` returns the snapshot, reloading it when a newer successful sync exists (the
check itself is one indexed query, made at most every `STALE_AFTER` seconds per
process), so a sync run by another process reaches every web server within seconds.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from releasegate.catalog.models import Application, CatalogSync

STALE_AFTER = 5.0

T = TypeVar("T")


class CatalogParameter(NamedTuple):
    """A NamedTuple rather than a frozen dataclass: a large catalog holds tens of
    thousands of these, rebuilt after every sync that changed something, and tuples are
    several times cheaper to create."""

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
    # What is derived from this snapshot alone (the connector's encoded option lists),
    # built on first use. A snapshot never changes, so neither does any of it; a sync
    # that changed the catalog makes a new snapshot, with an empty memo.
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def applications(self) -> list[CatalogApplication]:
        return [app for project in self.projects for app in project.applications]

    def remember(self, key: Hashable, build: Callable[[], T]) -> T:
        """`build()`, made once per snapshot and `key`. Two threads may both build it the
        first time; they build the same thing, and one of them is kept."""
        try:
            found: T = self.memo[key]
        except KeyError:
            found = self.memo.setdefault(key, build())
        return found


def load() -> CatalogSnapshot:
    """Read the offered part of the catalog from the database (plain rows, no model
    instances: this runs after every sync and must stay quick on large catalogs)."""
    latest = CatalogSync.objects.filter(succeeded=True).order_by("-id").first()
    offered = Application.objects.filter(present=True, exposed=True, buildable=True)
    grouped: dict[str, list[CatalogApplication]] = {}
    titles: dict[str, tuple[str, str]] = {}
    for app in offered.order_by("project__key", "full_name").values(
        "id",
        "server",
        "full_name",
        "display_name",
        "description",
        "url",
        "project__key",
        "project__display_name",
        "project__description",
        "parameters",
    ):
        key = app["project__key"]
        titles[key] = (app["project__display_name"], app["project__description"])
        grouped.setdefault(key, []).append(
            CatalogApplication(
                id=app["id"],
                server=app["server"],
                full_name=app["full_name"],
                display_name=app["display_name"],
                description=app["description"],
                project_key=key,
                url=app["url"],
                parameters=tuple(_parameter(p) for p in app["parameters"]),
            )
        )
    projects = tuple(
        CatalogProject(key, titles[key][0], titles[key][1], tuple(members))
        for key, members in grouped.items()
    )
    return CatalogSnapshot(
        projects=projects,
        sync_id=latest.pk if latest else None,
        synced_at=latest.finished_at if latest else None,
        projects_by_key={project.key: project for project in projects},
        applications_by_name={app.full_name: app for p in projects for app in p.applications},
    )


def _parameter(stored: dict[str, Any]) -> CatalogParameter:
    return CatalogParameter(
        name=stored["name"],
        kind=stored["kind"],
        description=stored.get("description") or "",
        default=stored.get("default"),
        choices=tuple(stored.get("choices") or ()),
        default_hidden=bool(stored.get("default_hidden")),
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


def after_sync(
    sync_id: int, synced_at: datetime | None, *, changed: bool, previous: int | None
) -> CatalogSnapshot:
    """Bring the snapshot up to date after a sync in this process. When the sync changed
    nothing and the snapshot already reflects the sync before it, only its stamp moves:
    reading the whole catalog again would give the same answer."""
    with _holder.lock:
        held = _holder.snapshot
        if not changed and held is not None and held.sync_id == previous:
            _holder.snapshot = dataclasses.replace(held, sync_id=sync_id, synced_at=synced_at)
            _holder.checked_at = time.monotonic()
            return _holder.snapshot
    return refresh()


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
