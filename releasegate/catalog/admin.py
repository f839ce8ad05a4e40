"""Browse the catalog; it is written by `releasegate sync`, so the admin only reads.

`ReadOnlyAdmin` is also the base of the releases' admin, whose lists run to 100,000 rows:
it counts them once, and draws a page of 100 rows without what made it slow
(measured with bench/dashboard.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from releasegate.catalog.models import Application, CatalogSync, Project


class ListedColumns(ChangeList):
    """A list reading only the columns its model admin names in `list_only` (when it
    names any): a release row carries its console's tail and its parameters, which no
    list shows."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request, exclude_parameters)
        listed: tuple[str, ...] = getattr(self.model_admin, "list_only", ())
        return queryset.only(*listed) if listed else queryset


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Django counts a filtered list twice (the rows that match, then all rows) to write
    # "5 results (100,000 total)"; without the second count it offers "Show all" instead.
    show_full_result_count = False
    # The columns a list reads (see `ListedColumns`); empty: all of them.
    list_only: tuple[str, ...] = ()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ListedColumns

    def action_checkbox(self, obj: Model) -> SafeString:
        """The row's selection box, as Django's own draws it, written directly: Django
        renders a form widget through the template engine for each row, a third of the
        time a page of 100 releases took."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

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
    list_only = (
        "display_name",
        "full_name",
        "kind",
        "buildable",
        "exposed",
        "present",
        "project__display_name",
    )
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
