"""The releases in the admin: a read-only audit (nothing here edits history), with one
action an operator may take: cancel a scheduled or queued release."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from releasegate.catalog.admin import ReadOnlyAdmin
from releasegate.connections import jenkins_client
from releasegate.releases.admin_filters import CHANNELS, NOTIFICATION_KINDS, VIAS, known_values
from releasegate.releases.approvals import registry
from releasegate.releases.inbox import INGESTED_TYPES
from releasegate.releases.models import (
    Approval,
    ApprovalCard,
    CardClick,
    InboundEvent,
    Notification,
    Release,
    ReleaseEvent,
    RollbackRequest,
)
from releasegate.releases.operators import CannotCancel, cancel_release

_EVENT_FIELDS = ("at", "actor", "kind", "from_state", "to_state", "reason", "details")
_NOTIFICATION_FIELDS = (
    "created_at",
    "kind",
    "channel",
    "recipients",
    "state",
    "attempts",
    "last_error",
)


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ReleaseEvent
    fields = _EVENT_FIELDS
    readonly_fields = _EVENT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NotificationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Notification
    fields = _NOTIFICATION_FIELDS
    readonly_fields = _NOTIFICATION_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The columns of the release and approval lists: what each shows is all it reads.
RELEASE_COLUMNS = (
    "id",
    "application_name",
    "state",
    "originator_user_id",
    "scheduled_for",
    "build_number",
    "result",
    "received_at",
)
APPROVAL_COLUMNS = (
    "provider",
    "instance_id",
    "title",
    "status",
    "provider_status",
    "taken_back",
    "originator_user_id",
    "refreshed_at",
)


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = [*RELEASE_COLUMNS]
    list_filter = ["state", known_values("received_via", lambda: VIAS), "is_rollback"]
    search_fields = ["application_name", "originator_user_id", "approval__instance_id"]
    list_only = RELEASE_COLUMNS
    inlines = [EventInline, NotificationInline]
    actions = ["cancel"]

    @admin.action(description="Cancel the selected scheduled or queued releases")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Release]) -> None:
        from django.conf import settings

        actor = f"admin:{getattr(request.user, 'username', '?')}"
        with jenkins_client(settings.CONFIG) as jenkins:
            for release in queryset:
                try:
                    cancel_release(release.pk, actor=actor, jenkins=jenkins)
                    self.message_user(request, f"Release {release.pk} cancelled.")
                except CannotCancel as exc:
                    self.message_user(request, f"Release {release.pk}: {exc}", messages.WARNING)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing needs "change" in Django's admin when there is no view-only user; the
        # fields stay read-only whatever this says.
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("cancel", None)
        return actions


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(ReadOnlyAdmin):
    """The audit trail across all releases: what happened, by whom, in order. Written
    only with the change it records, never here."""

    list_display = ["at", "release", "actor", "kind", "from_state", "to_state", "reason"]
    list_filter = ["kind", "to_state"]
    search_fields = ["actor", "reason", "release__application_name"]
    list_select_related = ["release"]


@admin.register(RollbackRequest)
class RollbackRequestAdmin(ReadOnlyAdmin):
    """Rollbacks as they were asked for, approved or not (the dashboard's and the API's
    "Roll back"); written only with the request, never here."""

    list_display = [
        "requested_at",
        "rollback_of",
        "rollback_to",
        "requested_by",
        "provider",
        "instance_id",
    ]
    list_filter = ["provider"]
    search_fields = ["instance_id", "requested_by", "rollback_of__application_name"]
    list_select_related = ["rollback_of", "rollback_to"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = [*APPROVAL_COLUMNS]
    list_filter = [known_values("provider", registry.known), "status", "taken_back"]
    search_fields = ["instance_id", "title", "originator_user_id"]
    list_only = APPROVAL_COLUMNS


@admin.register(ApprovalCard)
class ApprovalCardAdmin(ReadOnlyAdmin):
    list_display = ["delivered_at", "card_id", "approver_user_id", "state", "outcome"]
    list_filter = ["state"]
    search_fields = ["card_id", "approver_user_id", "approval__instance_id"]


@admin.register(CardClick)
class CardClickAdmin(ReadOnlyAdmin):
    list_display = ["at", "card", "user_id", "action", "acted", "outcome"]
    list_filter = ["action", "acted"]
    search_fields = ["user_id", "card__card_id"]
    list_select_related = ["card"]


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "provider",
        "via",
        "event_type",
        "instance_id",
        "outcome",
        "attempts",
    ]
    list_filter = [
        known_values("provider", registry.known),
        known_values("via", lambda: VIAS),
        known_values("event_type", lambda: sorted(INGESTED_TYPES)),
    ]
    search_fields = ["instance_id", "delivery_id"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "release", "kind", "channel", "state", "attempts"]
    list_filter = [
        "state",
        known_values("kind", lambda: NOTIFICATION_KINDS),
        known_values("channel", lambda: CHANNELS),
    ]
    # Each row names its release: one query for the page, not one per row, reading
    # only what names it.
    list_select_related = ["release"]
    list_only = (
        "created_at",
        "kind",
        "channel",
        "recipients",
        "state",
        "attempts",
        "release__application_name",
        "release__state",
    )
