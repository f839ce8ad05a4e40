"""ReleaseGate's own approvals (the `local` approval platform): a release request waiting
for its approver group, and each approver's decision.

These rows are the platform's own record, as an instance is DingTalk's: what the domain
learns of them goes into `Approval` through the port, like any platform's. One decision
per approver per approval is a database constraint, so a double click or two processes
at once cannot count a person twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LocalApprovalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("approval status", "Pending")
    APPROVED = "approved", pgettext_lazy("approval status", "Approved")
    REFUSED = "refused", pgettext_lazy("approval status", "Refused")
    # Nobody decided in time (`[local] expire_hours`).
    EXPIRED = "expired", pgettext_lazy("approval status", "Expired")


class LocalApproval(models.Model):
    # The ReleaseGate login of the person who asked.
    originator = models.CharField(max_length=150)
    # What the request names, as the catalog knows it (the group was chosen by these).
    project_key = models.CharField(max_length=255, blank=True)
    application_name = models.CharField(max_length=1000)
    # The group that decides: the logins asked (never the originator), in the configured
    # order, and how many of them must approve.
    approvers = models.JSONField(default=list)
    required = models.PositiveSmallIntegerField()
    # The request by role (`ports.ReleaseRequest`), and as the release form's
    # [label, value] pairs (what a release is read from, as for every platform).
    request = models.JSONField(default=dict)
    form = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=LocalApprovalStatus.choices, default=LocalApprovalStatus.PENDING
    )
    created_at = models.DateTimeField()
    # None: it never expires.
    expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ReleaseGate approval")
        verbose_name_plural = _("ReleaseGate approvals")
        indexes = [models.Index(fields=["status", "expires_at"], name="local_approval_due")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"approval {self.pk} of {self.application_name} by {self.originator} ({self.status})"


class LocalDecisionKind(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("approver decision", "Approve")
    REFUSE = "refuse", pgettext_lazy("approver decision", "Refuse")


class LocalDecision(models.Model):
    approval = models.ForeignKey(LocalApproval, on_delete=models.CASCADE, related_name="decisions")
    approver = models.CharField(max_length=150)
    decision = models.CharField(max_length=10, choices=LocalDecisionKind.choices)
    remark = models.TextField(blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("approver decision")
        verbose_name_plural = _("approver decisions")
        constraints = [
            models.UniqueConstraint(fields=["approval", "approver"], name="local_decision_once")
        ]
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.approver} {self.decision}d approval {self.approval_id}"
