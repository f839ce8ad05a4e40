"""API tokens in the admin: who has one, since when, and which (the first characters);
never the key, which is not stored. Revoke by deleting; make one with `releasegate token`."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from releasegate.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "prefix", "created")
    search_fields = ("user__username",)
    fields = ("user", "prefix", "created")
    readonly_fields = ("user", "prefix", "created")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the key would have to be shown here: `releasegate token USERNAME`

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
