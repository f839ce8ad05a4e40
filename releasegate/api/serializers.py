"""What the API shows of releases, their audit trail and their notifications."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from releasegate.api.changes import ChangesShown
from releasegate.api.fields import StrictCharField, StrictSerializer
from releasegate.releases.changes import changes_of, configured_jenkins, of_release
from releasegate.releases.messages import release_passwords, shown_event_details
from releasegate.releases.models import (
    Notification,
    Release,
    ReleaseEvent,
    ReleaseState,
    RollbackRequest,
)
from releasegate.releases.parameters import shown_parameters


class SinceField(serializers.DateTimeField):
    """A time near the ends of the calendar cannot be moved between time zones; DRF
    lets that OverflowError escape as a 500."""

    def to_internal_value(self, value: Any) -> datetime:
        try:
            parsed: datetime = super().to_internal_value(value)
            parsed.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")
        return parsed


class ReleaseFilters(serializers.Serializer):  # type: ignore[type-arg]
    """The list's query parameters; each is optional and they combine with AND."""

    state = serializers.ChoiceField(choices=ReleaseState.choices, required=False)
    application = serializers.CharField(
        required=False, max_length=1000, help_text="the job's full name, e.g. mall/order-service"
    )
    project = serializers.CharField(
        required=False, max_length=255, help_text="the project's key (top-level folder)"
    )
    originator = serializers.CharField(
        required=False, max_length=128, help_text="the requester's DingTalk user id"
    )
    since = SinceField(required=False, help_text="received at or after this time (ISO 8601)")


_LIST_FIELDS = [
    "id",
    "state",
    "project_key",
    "application_name",
    "job_full_name",
    "release_type",
    "originator_user_id",
    "approval_provider",
    "approval_instance_id",
    "received_via",
    "received_at",
    "scheduled_for",
    "build_number",
    "build_url",
    "result",
    "reason",
    "updated_at",
    "is_rollback",
    "rollback_of",
    "rollback_to",
]


class ReleaseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    approval_provider = serializers.CharField(
        source="approval.provider", read_only=True, help_text="the approval platform"
    )
    approval_instance_id = serializers.CharField(source="approval.instance_id", read_only=True)

    class Meta:
        model = Release
        fields = _LIST_FIELDS


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ReleaseEvent
        fields = ["at", "actor", "kind", "from_state", "to_state", "reason", "details"]


class NotificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Notification
        fields = [
            "created_at",
            "kind",
            "provider",
            "channel",
            "recipients",
            "title",
            "markdown",
            "state",
            "attempts",
            "sent_at",
            "not_reached",
            "last_error",
        ]


class RollbackRequestSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    approval_provider = serializers.CharField(source="provider")
    approval_instance_id = serializers.CharField(source="instance_id")

    class Meta:
        model = RollbackRequest
        fields = [
            "approval_provider",
            "approval_instance_id",
            "rollback_to",
            "requested_by",
            "reason",
            "requested_at",
        ]


class ReleaseDetailSerializer(ReleaseSerializer):
    rollbacks: serializers.PrimaryKeyRelatedField[Release] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="the releases that rolled back from this one"
    )
    rollback_requests = RollbackRequestSerializer(
        many=True,
        read_only=True,
        help_text="rollbacks asked for from this release, approved or not (yet)",
    )
    events = EventSerializer(many=True, read_only=True)
    notifications = NotificationSerializer(many=True, read_only=True)
    changes = serializers.SerializerMethodField(
        help_text="what the release changes next to the application's last good release"
    )

    class Meta:
        model = Release
        fields = [
            *_LIST_FIELDS,
            "requested_time",
            "requested_time_text",
            "has_db_change",
            "db_change_done",
            "requested_parameters",
            "approved_parameters",
            "approver_user_ids",
            "queue_id",
            "started_at",
            "finished_at",
            "duration_ms",
            "console_tail",
            "input_id",
            "attempts",
            "last_error",
            "rollbacks",
            "rollback_requests",
            "events",
            "notifications",
            "changes",
        ]

    @extend_schema_field(ChangesShown)
    def get_changes(self, instance: Release) -> dict[str, Any]:
        """Read from Jenkins (outside any transaction: a detail is a plain read)."""
        shown: dict[str, Any] = ChangesShown(
            changes_of(of_release(instance), configured_jenkins)
        ).data
        return shown

    def to_representation(self, instance: Release) -> dict[str, Any]:
        """The release as stored, except each password parameter's value: masked in the
        parameters and in the events that recorded them, as on the release page."""
        data: dict[str, Any] = super().to_representation(instance)
        passwords = release_passwords(instance)
        for field in ("requested_parameters", "approved_parameters"):
            data[field] = shown_parameters(data[field] or {}, passwords)
        for event in data["events"]:
            event["details"] = shown_event_details(instance, event["details"] or {})
        return data


class CancelSerializer(StrictSerializer):
    reason = StrictCharField(
        required=False, allow_blank=True, max_length=500, help_text="told to the people involved"
    )


class CancelRefusedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    state = serializers.CharField()


class RetrySerializer(StrictSerializer):
    reason = StrictCharField(
        required=False, allow_blank=True, max_length=500, help_text="kept in the audit trail"
    )


class RetryRefusedSerializer(CancelRefusedSerializer):
    """Why the release was not retried, and the state it is in."""
