"""Cards in an approver's chat that act on their task (a platform's interactive card),
and every click on one.

A card is one approver's, for one task of one approval; the platform's card id
(DingTalk's `outTrackId`) is unique, so a retried delivery never makes a second card. A
click is recorded before anything is done about it and completed with its outcome; the
card's state moves from `pending` to `acting` by a conditional update, so of two clicks
(or a click and the platform's retry of it) only one acts on the task.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CardState(models.TextChoices):
    PENDING = "pending", _("Waiting for the approver")
    ACTING = "acting", _("Acting on the task")
    AGREED = "agreed", _("Agreed from the card")
    REFUSED = "refused", _("Refused from the card")
    CLOSED = "closed", _("Decided elsewhere")


class ApprovalCard(models.Model):
    approval = models.ForeignKey(
        "releases.Approval", on_delete=models.CASCADE, related_name="cards"
    )
    # The platform's id for the card: ours, unique per task.
    card_id = models.CharField(max_length=100, unique=True)
    task_id = models.CharField(max_length=128)
    approver_user_id = models.CharField(max_length=128)
    state = models.CharField(max_length=20, choices=CardState.choices, default=CardState.PENDING)
    # What the card says of its task now, in the approver's words.
    outcome = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("approval card")
        verbose_name_plural = _("approval cards")
        ordering = ["delivered_at", "id"]

    def __str__(self) -> str:
        return f"card {self.card_id} for {self.approver_user_id} ({self.state})"


class CardClick(models.Model):
    card = models.ForeignKey(ApprovalCard, on_delete=models.CASCADE, related_name="clicks")
    # Who clicked, as the platform says (not necessarily the card's approver).
    user_id = models.CharField(max_length=128)
    # "agree" or "refuse": the button clicked.
    action = models.CharField(max_length=20)
    at = models.DateTimeField()
    # "" while it is being acted on; then what came of it.
    outcome = models.CharField(max_length=200, blank=True)
    acted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("card click")
        verbose_name_plural = _("card clicks")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.user_id} clicked {self.action} ({self.outcome or 'acting'})"
