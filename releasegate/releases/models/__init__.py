from __future__ import annotations

from releasegate.releases.models.approval import Approval, ApprovalStatus, InboundEvent
from releasegate.releases.models.card import ApprovalCard, CardClick, CardState
from releasegate.releases.models.chore import Chore
from releasegate.releases.models.event import ReleaseEvent
from releasegate.releases.models.local import (
    LocalApproval,
    LocalApprovalStatus,
    LocalDecision,
    LocalDecisionKind,
)
from releasegate.releases.models.notification import Notification, NotificationState
from releasegate.releases.models.release import Release, ReleaseState
from releasegate.releases.models.rollback import RollbackRequest

__all__ = [
    "Approval",
    "ApprovalCard",
    "ApprovalStatus",
    "CardClick",
    "CardState",
    "Chore",
    "InboundEvent",
    "LocalApproval",
    "LocalApprovalStatus",
    "LocalDecision",
    "LocalDecisionKind",
    "Notification",
    "NotificationState",
    "Release",
    "ReleaseEvent",
    "ReleaseState",
    "RollbackRequest",
]
