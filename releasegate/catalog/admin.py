"""Browse the catalog; it is written by `releasegate sync`, so the admin only reads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from releasegate.catalog.models import Application, CatalogSync, ParameterDefinition, Project


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ParameterInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ParameterDefinition
    fields = ["position", "name", "kind", "default", "choices", "description"]
    readonly_fields = ["position", "name", "kind", "default", "choices", "description"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "key", "server", "present"]
    search_fields = ["display_name", "key"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "display_name",
        "full_name",
        "project",
        "kind",
        "buildable",
        "exposed",
        "present",
    ]
    list_filter = ["project", "kind", "buildable", "exposed", "present"]
    search_fields = ["display_name", "full_name", "description"]
    inlines = [ParameterInline]


@admin.register(CatalogSync)
class CatalogSyncAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "server",
        "succeeded",
        "jobs_seen",
        "added",
        "removed",
        "changed",
        "requests",
    ]
    list_filter = ["succeeded", "server"]
