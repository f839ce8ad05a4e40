"""The catalog: what can be released, as Jenkins last described it.

Projects are top-level Jenkins folders; applications are the deployable jobs inside them
(at any depth), each carrying its parameter definitions. Rows are never deleted by a sync: a
job that disappears is marked `present=False`, so releases that refer to it keep their
history.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_SERVER = "default"


class PlainInsertJSONField(models.JSONField):
    """A JSONField that PostgreSQL bulk-inserts as plain VALUES rows.

    Django 5.2 bulk-inserts on PostgreSQL through UNNEST of one array per column, and
    psycopg escapes every quote of every JSON text in such an array with a Python regex
    callback: most of a 5,000-job first sync (2 s of 3, bench/catalog_sync.py). Django's
    compiler skips UNNEST for any field defining `get_placeholder`.
    """

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return "%s"


class Project(models.Model):
    server = models.CharField(max_length=100, default=DEFAULT_SERVER)
    # The top-level folder's name; "" collects jobs that are not inside any folder.
    key = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    present = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [models.UniqueConstraint(fields=["server", "key"], name="project_unique_key")]
        ordering = ["server", "key"]

    def __str__(self) -> str:
        return self.display_name


class Application(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="applications")
    server = models.CharField(max_length=100, default=DEFAULT_SERVER)
    # Jenkins' full name, folders included: "mall/order-service".
    full_name = models.CharField(max_length=1000)
    display_name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    url = models.CharField(max_length=2000, blank=True)
    kind = models.CharField(max_length=20)
    jenkins_class = models.CharField(max_length=255)
    # False for disabled jobs: hidden from the form until enabled again.
    buildable = models.BooleanField(default=True)
    # Whether the configured include/exclude globs let users release this job.
    exposed = models.BooleanField(default=True)
    present = models.BooleanField(default=True)
    # The job's parameter definitions, in Jenkins' order, each as
    # `integrations.jenkins.models.ParameterDefinition.to_dict()` writes it. They are a
    # value of the application, read and replaced together with it; one row per parameter
    # would multiply the rows a sync writes (22,000 for a 5,000-job Jenkins) for nothing.
    parameters = PlainInsertJSONField(default=list, blank=True)
    first_seen_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["server", "full_name"], name="application_unique_job")
        ]
        ordering = ["server", "full_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.full_name})"

    @property
    def offered(self) -> bool:
        """Whether users can request a release of it now."""
        return self.present and self.exposed and self.buildable


class CatalogSync(models.Model):
    """One run of `releasegate sync`: when, how it went, and what it changed."""

    server = models.CharField(max_length=100, default=DEFAULT_SERVER)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    requests = models.PositiveIntegerField(default=0)
    jobs_seen = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    # [{"application": full name, "change": "added" | "removed" | "changed", "details": {...}}]
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("catalog sync")
        verbose_name_plural = _("catalog syncs")
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"sync of {self.server} at {self.started_at:%Y-%m-%d %H:%M:%S} ({outcome})"

    @property
    def change_count(self) -> int:
        """How many changes `changes` holds (counted when the sync ran)."""
        return self.added + self.removed + self.changed
