"""The outbox: every message is a row first, then delivery attempts with their outcome.

A release's transition and the notification it causes are written in one transaction, so
a crash can lose neither; delivery happens afterwards and never blocks a release.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("notification state", "Pending")
    SENT = "sent", pgettext_lazy("notification state", "Sent")
    # Gave up: a permanent refusal, or too many transient failures. Kept, with why.
    FAILED = "failed", pgettext_lazy("notification state", "Failed")


class Notification(models.Model):
    release = models.ForeignKey(
        "releases.Release",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # What happened: rejected, scheduled, started, waiting_input, finished, cancelled, error.
    kind = models.CharField(max_length=20)
    # The approval platform whose messenger delivers it.
    provider = models.CharField(max_length=20)
    # "people" (each recipient by their id on the platform) or "group" (its group chat).
    channel = models.CharField(max_length=20)
    recipients = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=200)
    markdown = models.TextField()
    state = models.CharField(
        max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The platform's reference for a sent message (DingTalk: task id / processQueryKey).
    reference = models.CharField(max_length=200, blank=True)
    # Users the platform named as not reached.
    not_reached = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            # A person's messages on the dashboard (newest first) and the admin's list (in
            # order) read a page of this, never sort every message.
            models.Index(fields=["created_at", "id"], name="notification_created"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} via {self.channel} to {', '.join(self.recipients)} ({self.state})"
