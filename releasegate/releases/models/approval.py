"""Approvals as their platform's API last described them, and every delivery that told us
to look.

An `Approval` row holds what ReleaseGate learned from the approval provider's own API, never
from an event payload. An `InboundEvent` is one authenticated delivery (event push, Stream,
connector node), kept so duplicates are recognised and nothing is lost between receiving an
event and acting on it: the receiver commits the row and answers; the work happens after.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApprovalStatus(models.TextChoices):
    """Where an approval stands, in the same words for every platform (the port's
    `ApprovalStatus`)."""

    PENDING = "pending", pgettext_lazy("approval status", "Pending")
    APPROVED = "approved", pgettext_lazy("approval status", "Approved")
    REFUSED = "refused", pgettext_lazy("approval status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("approval status", "Withdrawn")
    DELETED = "deleted", pgettext_lazy("approval status", "Deleted")


class Approval(models.Model):
    provider = models.CharField(max_length=20)
    instance_id = models.CharField(max_length=128)
    title = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=ApprovalStatus.choices)
    # The platform's own words, for people reading the audit trail: "COMPLETED agree".
    provider_status = models.CharField(max_length=200, blank=True)
    # Approved, then revoked or changed: what was approved must not run. Once taken back,
    # always taken back (a later, older answer does not undo it).
    taken_back = models.BooleanField(default=False)
    taken_back_by = models.CharField(max_length=200, blank=True)
    originator_user_id = models.CharField(max_length=128, blank=True)
    approver_user_ids = models.JSONField(default=list, blank=True)
    approved_by = models.JSONField(default=list, blank=True)
    # Each approver's task: [{"user_id", "decision", "task_id", "decided_at", "remark"}].
    tasks = models.JSONField(default=list, blank=True)
    # Pages a person can open: [{"label", "url"}, ...].
    links = models.JSONField(default=list, blank=True)
    # The form as the provider returned it: [{"name": ..., "value": ...}, ...].
    form = models.JSONField(default=list, blank=True)
    created_at_provider = models.DateTimeField(null=True, blank=True)
    finished_at_provider = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField()
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["provider", "instance_id"], name="approval_unique")
        ]
        # The admin's list, newest first, a page at a time without sorting every approval.
        indexes = [models.Index(fields=["-first_seen_at", "-id"], name="approval_newest")]
        ordering = ["-first_seen_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.instance_id} ({self.status})"

    @property
    def granted(self) -> bool:
        """Approved and not taken back: what a release may run on."""
        return self.status == ApprovalStatus.APPROVED and not self.taken_back


class InboundEvent(models.Model):
    """One authenticated delivery telling us an approval changed."""

    provider = models.CharField(max_length=20)
    # "event" (HTTP push), "stream", "connector" (the flow node), "reconcile", "request".
    via = models.CharField(max_length=20)
    event_type = models.CharField(max_length=64)
    # The approval form an authenticated delivery names (DingTalk's processCode), when it
    # names one: a delivery about another form is not asked about.
    form_code = models.CharField(max_length=128, blank=True)
    # The provider's delivery id (eventId, or BizId), when it sends one: duplicates of the
    # same delivery share it.
    delivery_id = models.CharField(max_length=128, blank=True)
    instance_id = models.CharField(max_length=128, blank=True)
    # The decrypted payload, kept for the audit trail; never trusted for decisions.
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # After a failed or premature attempt: not before this (backoff, to spare the
    # platform's API quota).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")
        indexes = [
            models.Index(fields=["processed_at", "received_at"], name="inbound_pending"),
            # Every pushed event and every processing asks whether its delivery id is
            # already held: without it, each would read the whole table.
            models.Index(fields=["provider", "delivery_id"], name="inbound_delivery"),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.via} {self.event_type} {self.instance_id}"
