"""An approval as every platform can describe it: who asked, who decided what and when,
whether it was taken back, and the form's values already read as a release request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from releasegate.releases.form import RequestedRelease


class ApprovalStatus(StrEnum):
    """Where an approval stands, in the same words for every platform."""

    # Still being decided.
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    # Ended without a decision: revoked by its originator, terminated, cancelled, expired.
    WITHDRAWN = "withdrawn"
    # The platform no longer has it.
    DELETED = "deleted"


FINISHED_STATUSES = frozenset(
    {
        ApprovalStatus.APPROVED,
        ApprovalStatus.REFUSED,
        ApprovalStatus.WITHDRAWN,
        ApprovalStatus.DELETED,
    }
)


class TaskDecision(StrEnum):
    """What one approver's task says."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    # Handed to someone else, or closed because another approver of the node decided.
    OTHER = "other"


@dataclass(frozen=True)
class ApproverTask:
    """One approver's task: the platform's id for acting on it, and its decision."""

    user_id: str
    decision: TaskDecision
    task_id: str = ""
    decided_at: datetime | None = None
    # What the approver wrote with their decision, where the platform says.
    remark: str = ""

    def as_json(self) -> dict[str, str | None]:
        return {
            "user_id": self.user_id,
            "decision": self.decision.value,
            "task_id": self.task_id,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "remark": self.remark,
        }


@dataclass(frozen=True)
class Link:
    """A page a person can open to see (or act on) the approval."""

    label: str
    url: str


@dataclass(frozen=True)
class ApprovalInstance:
    """One approval, as its platform describes it now (never as an event payload said).

    `provider_status` keeps the platform's own words for the audit trail ("COMPLETED
    agree"); decisions are made on `status` and `taken_back` only.
    """

    provider: str
    instance_id: str
    status: ApprovalStatus
    provider_status: str = ""
    title: str = ""
    originator_user_id: str = ""
    # Everyone who acted (or is asked to act) as an approver, in order, once each.
    approvers: tuple[str, ...] = ()
    # The approvers who approved.
    approved_by: tuple[str, ...] = ()
    tasks: tuple[ApproverTask, ...] = ()
    # Approved, then revoked or changed: what was approved must not run. `taken_back_by`
    # names what took it back (an attached instance, a person), for the audit trail.
    taken_back: bool = False
    taken_back_by: str = ""
    # The form as the platform returned it, (label, value) pairs, for the audit trail...
    form: tuple[tuple[str, str], ...] = ()
    # ...and read as a release request (None: the platform's form could not be read).
    request: RequestedRelease | None = None
    # The approval definition it belongs to, where the platform says ("": it does not).
    form_code: str = ""
    created_at: datetime | None = None
    finished_at: datetime | None = None
    links: tuple[Link, ...] = ()

    @property
    def approved(self) -> bool:
        """Approved and not taken back: the only state that makes a release."""
        return self.status is ApprovalStatus.APPROVED and not self.taken_back

    @property
    def ended_without_approval(self) -> bool:
        """Refused, withdrawn, deleted, or taken back after approval."""
        return self.status in FINISHED_STATUSES - {ApprovalStatus.APPROVED} or self.taken_back

    @property
    def pending(self) -> bool:
        return self.status is ApprovalStatus.PENDING
