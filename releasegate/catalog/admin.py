"""Browse the catalog; it is written by `releasegate sync`, so the admin only reads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from releasegate.catalog.models import Application, CatalogSync, Project


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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
    exclude = ["parameters"]
    readonly_fields = ["parameter_table"]

    @admin.display(description="Parameters")
    def parameter_table(self, app: Application) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    p["name"],
                    p["kind"],
                    "(hidden)" if p.get("default_hidden") else p.get("default"),
                    " | ".join(p.get("choices") or ()),
                    p.get("description") or "",
                )
                for p in app.parameters
            ),
        )
        return format_html(
            "<table><tr><th>Name</th><th>Kind</th><th>Default</th><th>Choices</th>"
            "<th>Description</th></tr>{}</table>",
            rows,
        )


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
