"""A release: one approved request to run one Jenkins job with frozen parameters.

The state machine (docs/architecture.md §2) lives in `releasegate.releases.transitions`;
this module only declares what is stored. A release is unique per approval: a database
constraint, so concurrent duplicate deliveries cannot create two.
"""

from __future__ import annotations

from django.db import models


class ReleaseState(models.TextChoices):
    RECEIVED = "RECEIVED"
    REJECTED = "REJECTED"
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"
    TRIGGERING = "TRIGGERING"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    WAITING_INPUT = "WAITING_INPUT"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    UNSTABLE = "UNSTABLE"
    ABORTED = "ABORTED"
    ERROR = "ERROR"


TERMINAL_STATES = frozenset(
    {
        ReleaseState.REJECTED,
        ReleaseState.CANCELLED,
        ReleaseState.SUCCEEDED,
        ReleaseState.FAILED,
        ReleaseState.UNSTABLE,
        ReleaseState.ABORTED,
        ReleaseState.ERROR,
    }
)
# Before the trigger: a revoked approval can still stop these.
NOT_STARTED_STATES = frozenset({ReleaseState.RECEIVED, ReleaseState.SCHEDULED})


class Release(models.Model):
    approval = models.OneToOneField(
        "releases.Approval", on_delete=models.PROTECT, related_name="release"
    )
    state = models.CharField(
        max_length=20, choices=ReleaseState.choices, default=ReleaseState.RECEIVED
    )
    # What the form asked for, as written (the application may not exist any more).
    project_key = models.CharField(max_length=255, blank=True)
    application_name = models.CharField(max_length=1000)
    application = models.ForeignKey(
        "catalog.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
    )
    release_type = models.CharField(max_length=100, blank=True)
    # None: as soon as possible.
    requested_time = models.DateTimeField(null=True, blank=True)
    # The form's raw release-time text, kept when it could not be read as a time.
    requested_time_text = models.CharField(max_length=100, blank=True)
    has_db_change = models.BooleanField(default=False)
    db_change_done = models.BooleanField(default=False)
    # Parameters as the form gave them, by Jenkins parameter name.
    requested_parameters = models.JSONField(default=dict, blank=True)
    originator_user_id = models.CharField(max_length=128, blank=True)
    approver_user_ids = models.JSONField(default=list, blank=True)
    received_via = models.CharField(max_length=20)
    received_at = models.DateTimeField()
    # The worker's queue: non-terminal releases whose next_run_at has passed.
    next_run_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["state", "next_run_at"], name="release_due")]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"release {self.pk} of {self.application_name} ({self.state})"

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES
