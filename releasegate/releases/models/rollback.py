"""A rollback asked for and not yet approved: which release it rolls back from and to
which good release, remembered by its approval until ingest makes the release of it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollbackRequest(models.Model):
    provider = models.CharField(max_length=20)
    instance_id = models.CharField(max_length=128)
    rollback_of = models.ForeignKey(
        "releases.Release", on_delete=models.PROTECT, related_name="rollback_requests"
    )
    rollback_to = models.ForeignKey("releases.Release", on_delete=models.PROTECT, related_name="+")
    # The dashboard login or API user who asked, and why.
    requested_by = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    requested_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rollback request")
        verbose_name_plural = _("rollback requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "instance_id"], name="one_rollback_per_approval"
            )
        ]

    def __str__(self) -> str:
        return f"rollback of release {self.rollback_of_id} to {self.rollback_to_id}"
