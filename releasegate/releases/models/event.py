"""The audit trail: one row per thing that happened to a release, written in the same
transaction as the change it records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseEvent(models.Model):
    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    # Who or what: a DingTalk user id, "worker", "policy", "ingest", an operator's login.
    actor = models.CharField(max_length=128)
    # "received", "state", "cancelled", "approval-updated", ...
    kind = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("release event")
        verbose_name_plural = _("release events")
        # The admin's audit trail across all releases, in order, a page at a time.
        indexes = [models.Index(fields=["at", "id"], name="release_event_at")]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        arrow = f" {self.from_state}→{self.to_state}" if self.to_state else ""
        return f"{self.kind}{arrow} by {self.actor}"
