"""`releasegate sync`: bring the catalog in line with what Jenkins lists.

Idempotent: a second sync with nothing changed in Jenkins writes nothing but its own
record. Each run records what it added, removed and changed, parameter by parameter.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.models import (
    DEFAULT_SERVER,
    Application,
    CatalogSync,
    ParameterDefinition,
    Project,
)
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import Folder, Job, JobListing
from releasegate.lib.http import OutboundError

# Fields compared between syncs; a difference in any of them is a "changed" entry.
_TRACKED = (
    "project_key",
    "display_name",
    "description",
    "url",
    "kind",
    "jenkins_class",
    "buildable",
    "exposed",
)


@dataclass(frozen=True)
class DesiredApplication:
    full_name: str
    project_key: str
    display_name: str
    description: str
    url: str
    kind: str
    jenkins_class: str
    buildable: bool
    exposed: bool
    parameters: tuple[dict[str, Any], ...]


def is_exposed(full_name: str, options: CatalogOptions) -> bool:
    """Included by a glob and not excluded by one (exclude wins)."""
    included = any(fnmatch.fnmatchcase(full_name, glob) for glob in options.include)
    return included and not any(fnmatch.fnmatchcase(full_name, glob) for glob in options.exclude)


def project_key(full_name: str) -> str:
    return full_name.split("/", 1)[0] if "/" in full_name else ""


def readable_name(display_name: str, name: str, description: str) -> str:
    """Jenkins' display name when one was set; else the first line of a short
    description; else the job's own name."""
    if display_name and display_name != name:
        return display_name
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first_line if 0 < len(first_line) <= 60 else name


def desired_applications(jobs: Iterable[Job], options: CatalogOptions) -> list[DesiredApplication]:
    return [
        DesiredApplication(
            full_name=job.full_name,
            project_key=project_key(job.full_name),
            display_name=readable_name(
                job.display_name, job.full_name.rsplit("/", 1)[-1], job.description
            )[:255],
            description=job.description,
            url=job.url,
            kind=job.kind.value,
            jenkins_class=job.jenkins_class,
            buildable=job.buildable,
            exposed=is_exposed(job.full_name, options),
            parameters=tuple(p.to_dict() for p in job.parameters),
        )
        for job in jobs
    ]


def run_sync(
    client: JenkinsClient,
    options: CatalogOptions,
    *,
    server: str = DEFAULT_SERVER,
    now: Callable[[], datetime] = timezone.now,
) -> CatalogSync:
    """Sync the catalog from one Jenkins server and return the record of the run.

    A Jenkins failure is recorded on the returned (unsuccessful) record and re-raised as
    the `OutboundError` it was, after nothing in the catalog has been touched.
    """
    record = CatalogSync.objects.create(server=server, started_at=now())
    before = client.request_count
    try:
        listing = client.list_jobs()
    except OutboundError as exc:
        record.error = str(exc)
        record.requests = client.request_count - before
        record.finished_at = now()
        record.save()
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
    snapshot.refresh()
    return record


def apply_listing(
    listing: JobListing, options: CatalogOptions, *, server: str, now: datetime
) -> list[dict[str, Any]]:
    """Write the listing into the catalog; return the changes made."""
    desired = {app.full_name: app for app in desired_applications(listing.jobs, options)}
    projects = _sync_projects(listing.folders, desired.values(), options, server)
    existing = {
        app.full_name: app
        for app in Application.objects.filter(server=server).select_related("project")
    }
    parameters = _parameters_by_application(existing.values())
    changes: list[dict[str, Any]] = []
    plan = _WritePlan()
    for full_name, want in desired.items():
        app = existing.get(full_name)
        if app is None:
            app = Application(server=server, full_name=full_name, first_seen_at=now)
            _assign(app, want, projects, now)
            plan.created.append((app, want))
            changes.append({"application": full_name, "change": "added", "details": {}})
            continue
        details = _differences(app, parameters.get(app.pk, []), want)
        if not details and app.present:
            continue
        changes.append(
            {
                "application": full_name,
                "change": "changed" if app.present else "added",
                "details": details,
            }
        )
        _assign(app, want, projects, now)
        plan.updated.append(app)
        if "parameters" in details:
            plan.new_parameters.append((app, want))
    for full_name, app in existing.items():
        if full_name not in desired and app.present:
            app.present, app.removed_at, app.changed_at = False, now, now
            plan.updated.append(app)
            changes.append({"application": full_name, "change": "removed", "details": {}})
    plan.write()
    live = [project.pk for project in projects.values()]
    Project.objects.filter(server=server, present=True).exclude(pk__in=live).update(present=False)
    return changes


@dataclass
class _WritePlan:
    created: list[tuple[Application, DesiredApplication]] = field(default_factory=list)
    updated: list[Application] = field(default_factory=list)
    new_parameters: list[tuple[Application, DesiredApplication]] = field(default_factory=list)

    def write(self) -> None:
        """Apply the plan in a handful of bulk statements, whatever the catalog's size."""
        Application.objects.bulk_create([app for app, _ in self.created], batch_size=500)
        Application.objects.bulk_update(self.updated, _ASSIGNED, batch_size=500)
        replaced = [app.pk for app, _ in self.new_parameters]
        ParameterDefinition.objects.filter(application_id__in=replaced).delete()
        ParameterDefinition.objects.bulk_create(
            [
                ParameterDefinition(application=app, position=position, **definition)
                for app, want in [*self.created, *self.new_parameters]
                for position, definition in enumerate(want.parameters)
            ],
            batch_size=1000,
        )


_ASSIGNED = [
    "project",
    "display_name",
    "description",
    "url",
    "kind",
    "jenkins_class",
    "buildable",
    "exposed",
    "present",
    "removed_at",
    "changed_at",
]


def _assign(
    app: Application, want: DesiredApplication, projects: dict[str, Project], now: datetime
) -> None:
    app.project = projects[want.project_key]
    app.display_name = want.display_name
    app.description = want.description
    app.url = want.url
    app.kind = want.kind
    app.jenkins_class = want.jenkins_class
    app.buildable = want.buildable
    app.exposed = want.exposed
    app.present = True
    app.removed_at = None
    app.changed_at = now


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
        description = folder.description if folder else ""
        project = existing.get(key) or Project(server=server, key=key)
        if project.pk is None or (project.display_name, project.description, project.present) != (
            display_name,
            description,
            True,
        ):
            project.display_name, project.description, project.present = (
                display_name[:255],
                description,
                True,
            )
            project.save()
        projects[key] = project
    return projects


def _parameters_by_application(apps: Iterable[Application]) -> dict[int, list[dict[str, Any]]]:
    by_application: dict[int, list[dict[str, Any]]] = {app.pk: [] for app in apps}
    rows = ParameterDefinition.objects.filter(application_id__in=list(by_application))
    for row in rows.order_by("application_id", "position"):
        by_application[row.application_id].append(row.as_dict())
    return by_application


def _differences(
    app: Application, parameters: list[dict[str, Any]], want: DesiredApplication
) -> dict[str, Any]:
    fields = {}
    for name in _TRACKED:
        old = app.project.key if name == "project_key" else getattr(app, name)
        new = getattr(want, name)
        if old != new:
            fields[name] = [old, new]
    details: dict[str, Any] = {}
    if fields:
        details["fields"] = fields
    parameter_changes = _parameter_differences(parameters, list(want.parameters))
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
    differences: dict[str, Any] = {
        "added": [name for name in after if name not in before],
        "removed": [name for name in before if name not in after],
        "changed": changed,
    }
    if not any(differences.values()):
        differences["reordered"] = [p["name"] for p in new]
    return {key: value for key, value in differences.items() if value}
