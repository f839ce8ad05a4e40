"""A release: one approved request to run one Jenkins job with frozen parameters.

The state machine (docs/architecture.md §2) lives in `releasegate.releases.transitions`;
this module only declares what is stored. A release is unique per approval: a database
constraint, so concurrent duplicate deliveries cannot create two.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReleaseState(models.TextChoices):
    RECEIVED = "RECEIVED", pgettext_lazy("release state", "Received")
    REJECTED = "REJECTED", pgettext_lazy("release state", "Rejected")
    SCHEDULED = "SCHEDULED", pgettext_lazy("release state", "Scheduled")
    CANCELLED = "CANCELLED", pgettext_lazy("release state", "Cancelled")
    TRIGGERING = "TRIGGERING", pgettext_lazy("release state", "Triggering")
    QUEUED = "QUEUED", pgettext_lazy("release state", "Queued")
    RUNNING = "RUNNING", pgettext_lazy("release state", "Running")
    WAITING_INPUT = "WAITING_INPUT", pgettext_lazy("release state", "Waiting for input")
    SUCCEEDED = "SUCCEEDED", pgettext_lazy("release state", "Succeeded")
    FAILED = "FAILED", pgettext_lazy("release state", "Failed")
    UNSTABLE = "UNSTABLE", pgettext_lazy("release state", "Unstable")
    ABORTED = "ABORTED", pgettext_lazy("release state", "Aborted")
    ERROR = "ERROR", pgettext_lazy("release state", "Error")


# Ended: the worker does no more. An operator may retry an ERROR (releases/operators.py).
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
    # The request whole, as the approved form said it (`releases.form.RequestedRelease`):
    # what the rules judge, with the same words as at submit time.
    request = models.JSONField(default=dict, blank=True)
    originator_user_id = models.CharField(max_length=128, blank=True)
    approver_user_ids = models.JSONField(default=list, blank=True)
    received_via = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    # Decided by the policies, then frozen: what runs, with what, when.
    job_full_name = models.CharField(max_length=1000, blank=True)
    # Every parameter sent to Jenkins (defaults included), and their sha256: checked again
    # right before the trigger, so nothing but what was approved can run.
    approved_parameters = models.JSONField(default=dict, blank=True)
    parameters_hash = models.CharField(max_length=64, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)

    # The Jenkins side, as it happens.
    trigger_attempted_at = models.DateTimeField(null=True, blank=True)
    queue_id = models.BigIntegerField(null=True, blank=True)
    build_number = models.PositiveIntegerField(null=True, blank=True)
    build_url = models.CharField(max_length=2000, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The earliest commit time in the build's change set, once Jenkins reports one: where
    # the insights' lead time for changes starts. Empty until then, and never guessed.
    first_commit_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.BigIntegerField(null=True, blank=True)
    result = models.CharField(max_length=20, blank=True)
    console_tail = models.TextField(blank=True)
    # The pipeline `input` step the build waits at, as Jenkins spells its id.
    input_id = models.CharField(max_length=200, blank=True)
    input_waiting_since = models.DateTimeField(null=True, blank=True)

    # A rollback (`releases.rollbacks`): the release it rolls back from, and the good
    # release whose approved parameters it asked for again. `is_rollback` stays true
    # should either row ever go, so what is counted as a rollback never changes.
    is_rollback = models.BooleanField(default=False)
    rollback_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rollbacks"
    )
    rollback_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="restored_by"
    )

    # The plain reason of a REJECTED, CANCELLED or ERROR ending.
    reason = models.TextField(blank=True)
    # Consecutive transient failures of the current step, and the last one.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    # The worker's queue: non-terminal releases whose next_run_at has passed. While a
    # worker calls Jenkins it pushes this into the future (its lease), so no other worker
    # takes the release meanwhile; `version` fences its writes afterwards.
    next_run_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        indexes = [
            models.Index(fields=["state", "next_run_at"], name="release_due"),
            # The dashboard's and the API's lists: newest first, a page at a time.
            models.Index(fields=["-received_at", "-id"], name="release_newest"),
            # The insights count rollbacks per period; the last good release of an
            # application is the SUCCEEDED one that finished last.
            models.Index(fields=["is_rollback", "received_at"], name="release_rollbacks"),
            models.Index(
                fields=["application_name", "state", "-finished_at"], name="release_by_outcome"
            ),
            # The same, filtered by state or by project: a page of the rare ones (the
            # scheduled, the running, a small project's) is read at once, not found by
            # walking every newer release.
            models.Index(fields=["state", "-received_at", "-id"], name="release_newest_by_state"),
            models.Index(
                fields=["project_key", "-received_at", "-id"], name="release_newest_by_project"
            ),
            # The insights read the releases that ended (by state) in a range, of all
            # projects or one; with the state first, SQLite's planner, which has no
            # statistics, uses both columns rather than the state alone. With the
            # application and the id too, whether a failure was restored and which
            # releases the medians sample are answered from the index alone, without a
            # read of each release's row (SQLite holds the id in every index anyway).
            models.Index(
                fields=["state", "finished_at", "application_name", "id"], name="release_ended"
            ),
            models.Index(
                fields=["project_key", "state", "finished_at"], name="release_project_ended"
            ),
            # Today at a glance: the latest failures.
            models.Index(fields=["state", "-updated_at"], name="release_recent_by_state"),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"release {self.pk} of {self.application_name} ({self.state})"

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES
