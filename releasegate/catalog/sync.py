"""`releasegate sync`: bring the catalog in line with what Jenkins lists.

Idempotent: a second sync with nothing changed in Jenkins writes nothing but its own
record. Each run records what it added, removed and changed, parameter by parameter.
"""

from __future__ import annotations

import fnmatch
import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.models import DEFAULT_SERVER, Application, CatalogSync, Project
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import Folder, Job, JobListing
from releasegate.lib.collector import cyclic_gc_paused
from releasegate.lib.http import OutboundError

logger = logging.getLogger("releasegate.catalog")


@dataclass(frozen=True)
class DesiredApplication:
    """An application as the latest listing describes it."""

    full_name: str
    project_key: str
    display_name: str
    description: str
    url: str
    kind: str
    jenkins_class: str
    buildable: bool
    exposed: bool
    parameters: list[dict[str, Any]]


# Compared between syncs; a difference in any of them is a "changed" entry.
TRACKED = (
    "display_name",
    "description",
    "url",
    "kind",
    "jenkins_class",
    "buildable",
    "exposed",
    "parameters",
)
_CURRENT = ("id", "full_name", "project__key", "present", *TRACKED)


def is_exposed(full_name: str, options: CatalogOptions) -> bool:
    """Included by a glob and not excluded by one (exclude wins)."""
    include, exclude = _patterns(tuple(options.include)), _patterns(tuple(options.exclude))
    return bool(include.match(full_name)) and not exclude.match(full_name)


@functools.lru_cache(maxsize=64)
def _patterns(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation of the globs, matched once per job."""
    if not globs:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs))


def project_key(full_name: str) -> str:
    return full_name.split("/", 1)[0] if "/" in full_name else ""


def readable_name(display_name: str, name: str, description: str) -> str:
    """Jenkins' display name when one was set; else the first line of a short
    description; else the job's own name."""
    if display_name and display_name != name:
        return display_name
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first_line if 0 < len(first_line) <= 60 else name


def desired_application(job: Job, options: CatalogOptions) -> DesiredApplication:
    name = job.full_name.rsplit("/", 1)[-1]
    return DesiredApplication(
        full_name=job.full_name,
        project_key=project_key(job.full_name),
        display_name=readable_name(job.display_name, name, job.description)[:255],
        description=job.description,
        url=job.url,
        kind=job.kind.value,
        jenkins_class=job.jenkins_class,
        buildable=job.buildable,
        exposed=is_exposed(job.full_name, options),
        parameters=[parameter.to_dict() for parameter in job.parameters],
    )


def run_sync(
    client: JenkinsClient,
    options: CatalogOptions,
    *,
    server: str = DEFAULT_SERVER,
    now: Callable[[], datetime] = timezone.now,
) -> CatalogSync:
    """Sync the catalog from one Jenkins server and return the record of the run.

    A Jenkins failure is recorded on the returned (unsuccessful) record, logged (with
    the record's id as `sync_id`) and re-raised as the `OutboundError` it was, after
    nothing in the catalog has been touched: callers need not log it again.
    """
    previous = _latest_successful_sync(server)
    record = CatalogSync.objects.create(server=server, started_at=now())
    with cyclic_gc_paused():
        return _sync(client, options, record, server, now, previous)


def _sync(
    client: JenkinsClient,
    options: CatalogOptions,
    record: CatalogSync,
    server: str,
    now: Callable[[], datetime],
    previous: int | None,
) -> CatalogSync:
    before = client.request_count
    try:
        listing = client.list_jobs()
    except OutboundError as exc:
        record.error = str(exc)
        record.requests = client.request_count - before
        record.finished_at = now()
        record.save()
        _log_failure(record, exc)
        raise
    with transaction.atomic():
        changes = apply_listing(listing, options, server=server, now=now())
        record.requests = listing.requests
        record.jobs_seen = len(listing.jobs)
        record.changes = changes
        for kind in ("added", "removed", "changed"):
            setattr(record, kind, sum(1 for change in changes if change["change"] == kind))
        record.succeeded = True
        record.finished_at = now()
        record.save()
    snapshot.after_sync(record.pk, record.finished_at, changed=bool(changes), previous=previous)
    return record


def _log_failure(record: CatalogSync, error: OutboundError) -> None:
    """WARNING when the next sync may go through (Jenkins was down or slow), ERROR when
    it cannot until someone acts (refused credentials, a missing permission). The form
    keeps offering the last synced catalog meanwhile."""
    logger.log(
        logging.ERROR if error.permanent else logging.WARNING,
        "catalog sync %s from %s failed: %s",
        record.pk,
        record.server,
        error,
        extra={"sync_id": record.pk, "service": error.service, "status": error.status},
    )


def _latest_successful_sync(server: str) -> int | None:
    return (
        CatalogSync.objects.filter(server=server, succeeded=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


def apply_listing(
    listing: JobListing, options: CatalogOptions, *, server: str, now: datetime
) -> list[dict[str, Any]]:
    """Write the listing into the catalog; return the changes made.

    Unchanged applications are recognised from one narrow query; only the ones that
    changed are loaded as objects, so a sync where little changed stays cheap.
    """
    desired = {job.full_name: desired_application(job, options) for job in listing.jobs}
    projects = _sync_projects(listing.folders, desired.values(), options, server)
    current = {
        row["full_name"]: row for row in Application.objects.filter(server=server).values(*_CURRENT)
    }
    plan = _WritePlan()
    stale = [
        name for name in desired if name in current and not _unchanged(current[name], desired[name])
    ]
    gone = [name for name, row in current.items() if name not in desired and row["present"]]
    instances = Application.objects.select_related("project").in_bulk(
        [current[name]["id"] for name in [*stale, *gone]]
    )
    for name, want in desired.items():
        if name not in current:
            app = Application(server=server, full_name=name, first_seen_at=now)
            plan.create(_assign(app, want, projects, now), "added", {})
    for name in stale:
        app = instances[current[name]["id"]]
        details = differences(app, desired[name])
        change = "changed" if app.present else "added"
        plan.update(_assign(app, desired[name], projects, now), change, details)
    for name in gone:
        app = instances[current[name]["id"]]
        app.present, app.removed_at, app.changed_at = False, now, now
        plan.update(app, "removed", {})
    plan.write()
    live = [project.pk for project in projects.values()]
    Project.objects.filter(server=server, present=True).exclude(pk__in=live).update(present=False)
    return plan.changes


@dataclass
class _WritePlan:
    created: list[Application] = field(default_factory=list)
    updated: list[Application] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def create(self, app: Application, change: str, details: dict[str, Any]) -> None:
        self.created.append(app)
        self._record(app, change, details)

    def update(self, app: Application, change: str, details: dict[str, Any]) -> None:
        self.updated.append(app)
        self._record(app, change, details)

    def _record(self, app: Application, change: str, details: dict[str, Any]) -> None:
        self.changes.append({"application": app.full_name, "change": change, "details": details})

    def write(self) -> None:
        """Apply the plan in a handful of bulk statements, whatever the catalog's size."""
        Application.objects.bulk_create(self.created, batch_size=500)
        Application.objects.bulk_update(self.updated, _ASSIGNED, batch_size=500)


_ASSIGNED = ["project", *TRACKED, "present", "removed_at", "changed_at"]


def _unchanged(row: dict[str, Any], want: DesiredApplication) -> bool:
    return (
        row["present"]
        and row["project__key"] == want.project_key
        and all(row[name] == getattr(want, name) for name in TRACKED)
    )


def _assign(
    app: Application, want: DesiredApplication, projects: dict[str, Project], now: datetime
) -> Application:
    app.project = projects[want.project_key]
    for name in TRACKED:
        setattr(app, name, getattr(want, name))
    app.present, app.removed_at, app.changed_at = True, None, now
    return app


def _sync_projects(
    folders: Iterable[Folder],
    applications: Iterable[DesiredApplication],
    options: CatalogOptions,
    server: str,
) -> dict[str, Project]:
    top_level = {folder.full_name: folder for folder in folders if "/" not in folder.full_name}
    existing = {project.key: project for project in Project.objects.filter(server=server)}
    projects: dict[str, Project] = {}
    for key in sorted({app.project_key for app in applications}):
        folder = top_level.get(key)
        display_name = options.project_names.get(key) or (
            (folder.display_name if folder else key) if key else options.root_project_name
        )
        wanted = (display_name[:255], folder.description if folder else "", True)
        project = existing.get(key) or Project(server=server, key=key)
        if (
            project.pk is None
            or (project.display_name, project.description, project.present) != wanted
        ):
            project.display_name, project.description, project.present = wanted
            project.save()
        projects[key] = project
    return projects


def differences(app: Application, want: DesiredApplication) -> dict[str, Any]:
    """What changed between the stored application and the listing's, field by field
    and, for parameters, name by name."""
    fields = {
        name: [getattr(app, name), getattr(want, name)]
        for name in TRACKED
        if name != "parameters" and getattr(app, name) != getattr(want, name)
    }
    if app.project.key != want.project_key:
        fields["project"] = [app.project.key, want.project_key]
    details: dict[str, Any] = {"fields": fields} if fields else {}
    parameter_changes = _parameter_differences(app.parameters, want.parameters)
    if parameter_changes:
        details["parameters"] = parameter_changes
    return details


def _parameter_differences(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    if old == new:
        return {}
    before = {p["name"]: p for p in old}
    after = {p["name"]: p for p in new}
    changed = {
        name: {
            key: [before[name].get(key), after[name].get(key)]
            for key in after[name]
            if before[name].get(key) != after[name].get(key)
        }
        for name in after
        if name in before and before[name] != after[name]
    }
    found: dict[str, Any] = {
        "added": [name for name in after if name not in before],
        "removed": [name for name in before if name not in after],
        "changed": changed,
    }
    if not any(found.values()):
        found["reordered"] = [p["name"] for p in new]
    return {key: value for key, value in found.items() if value}
