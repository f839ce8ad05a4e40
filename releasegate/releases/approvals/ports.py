"""What the domain asks of an approval platform: read, list, start and decide
approvals (`ApprovalSource`), and tell people (`Messenger`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from releasegate.releases.approvals.instance import ApprovalInstance


@dataclass(frozen=True)
class ReleaseRequest:
    """What a person asks for, by role (each platform renders it into its own form)."""

    project: str
    application: str
    release_type: str = ""
    # As the form writes it ("YYYY-MM-DD HH:MM"), or empty for as soon as approved.
    release_time: str = ""
    # "是" or "否" (any of the configured yes/no words).
    db_change: str = "否"
    db_change_done: str = ""
    # Jenkins parameter name -> value, for the parameters the form has fields for.
    parameters: dict[str, str] = field(default_factory=dict)


class Decision(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"


class ApprovalSource(Protocol):
    """One platform's approvals. Methods that call the platform raise the `errors` types."""

    @property
    def provider(self) -> str:
        """The platform's name in the registry ("dingtalk", "local", ...)."""
        ...

    @property
    def release_form(self) -> str:
        """The id of the release approval form (definition) on the platform."""
        ...

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        """The approval as the platform shows it now. An id that names a change to an
        approval (a revocation filed as its own instance) answers the approval it changes.
        Raises `ApprovalNotFound` when the platform has no such approval."""
        ...

    def changed_since(self, since: datetime, until: datetime) -> list[str]:
        """Ids of release-form approvals that may have finished in [since, until]: at least
        every one that did (a platform that lists by start time lists those started then)."""
        ...

    def is_release_form(self, instance: ApprovalInstance) -> bool:
        """Whether the approval is of the release form (asking the platform when its
        description does not say)."""
        ...

    def start(self, originator_user_id: str, request: ReleaseRequest) -> str:
        """Start a release approval with the person as its originator; its id. Raises
        `StartRefused` when the platform refuses the form, `ValueError` before sending
        anything the platform is known to refuse."""
        ...

    def act(
        self, instance_id: str, task_id: str, approver_user_id: str, decision: Decision, remark: str
    ) -> None:
        """Decide one approver's task as that approver. Raises `ActionRefused` when it is
        not theirs or no longer open, `ActionNotSupported` where the platform cannot."""
        ...


@dataclass(frozen=True)
class SentMessage:
    """What a platform said when it accepted a message."""

    # The platform's reference for it (a task id, a message id), or "".
    reference: str
    # Users the platform named as not reached (unknown, throttled, filtered).
    not_reached: tuple[str, ...] = ()


class Messenger(Protocol):
    """One platform's way to tell people: each person by their id on that platform, and
    a group chat where one is configured. `link` is the release's page ("": unknown),
    for platforms whose messages link out (a WeCom text card, a Feishu card's button)."""

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage: ...

    def send_to_group(self, title: str, markdown: str, link: str = "") -> SentMessage:
        """Raises `ValueError` when no group is configured."""
        ...
