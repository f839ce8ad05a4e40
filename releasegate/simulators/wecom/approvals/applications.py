"""Applications (审批申请) and how they move, as WeCom shows them.

An application has approver nodes, each 会签 (all approve), 或签 (one approves) or 依次
(one after the other). Only the first undecided node acts. An approval finishes that
approver's branch (2); the node is approved when its rule is met, the application when
every node is. A refusal (驳回) ends node and application at once (3). The applicant may
revoke (撤销) a pending application (4) or, later, an approved one (6, 通过后撤销); an
admin may delete one (7). Reminding (催办) and commenting (添加备注) change no status.

Every change returns its `StatuChangeEvent` (审批申请状态变化回调通知): 1 提单, 2 同意,
3 驳回, 5 催办, 6 撤销, 8 通过后撤销, 10 添加备注; deleting has none, so pushes nothing
(UNCONFIRMED). Two numberings of one thing: `sp_record.approverattr` is 1 或签 / 2 会签,
while `process_list.apv_rel` is 1 会签 / 2 或签 / 3 依次 (the same doc).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from releasegate.simulators.wecom.approvals.template import Filled
from releasegate.simulators.wecom.settings import Person

# process_list.apv_rel (提交审批申请 node_list uses the same numbers).
COUNTERSIGN, ANY_ONE, IN_TURN = 1, 2, 3
# Application sp_status.
PENDING, APPROVED, REFUSED, REVOKED, REVOKED_AFTER_APPROVAL, DELETED = 1, 2, 3, 4, 6, 7
# StatuChangeEvent.
SUBMITTED, AGREED, REJECTED, REMINDED, WITHDRAWN, WITHDRAWN_AFTER, COMMENTED = 1, 2, 3, 5, 6, 8, 10
# sp_no counts days in China, where the corp is.
CHINA = timezone(timedelta(hours=8))


class ApprovalConflict(Exception):
    """The action does not fit the application (not an approver now, not pending…)."""


@dataclass
class Branch:
    """One approver of a node (sp_record.details / process_list sub_node_list)."""

    person: Person
    sp_status: int = PENDING
    speech: str = ""
    sptime: int = 0


@dataclass
class Node:
    apv_rel: int
    branches: list[Branch]
    sp_status: int = PENDING

    def actionable(self) -> list[Branch]:
        pending = [b for b in self.branches if b.sp_status == PENDING]
        return pending[:1] if self.apv_rel == IN_TURN else pending


@dataclass
class Comment:
    person: Person
    time: int
    content: str
    id: str


@dataclass
class Application:
    sp_no: str
    applyer: Person
    contents: list[Filled]
    apply_time: int
    nodes: list[Node]
    notifyer: list[Person] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    sp_status: int = PENDING
    comments: list[Comment] = field(default_factory=list)

    def current_node(self) -> Node | None:
        if self.sp_status != PENDING:
            return None
        return next((n for n in self.nodes if n.sp_status == PENDING), None)

    def waiting_on(self) -> list[Person]:
        node = self.current_node()
        return [b.person for b in node.actionable()] if node else []


class Approvals:
    """Every application, by sp_no. Callers hold the world lock."""

    def __init__(self) -> None:
        self.applications: dict[str, Application] = {}
        self._serials: dict[str, itertools.count[int]] = {}
        self._comment_ids = itertools.count(6741314136717778040)

    def find(self, sp_no: str) -> Application | None:
        return self.applications.get(sp_no)

    def create(
        self,
        applyer: Person,
        contents: list[Filled],
        nodes: list[Node],
        now: float,
        notifyer: list[Person] | None = None,
        summary: list[str] | None = None,
    ) -> Application:
        """A new application; WeCom's sp_no is the day (China) and a 4-digit serial."""
        day = datetime.fromtimestamp(now, CHINA).strftime("%Y%m%d")
        serial = next(self._serials.setdefault(day, itertools.count(1)))
        application = Application(
            f"{day}{serial:04d}", applyer, contents, int(now), nodes, notifyer or [], summary or []
        )
        self.applications[application.sp_no] = application
        return application

    def approve(self, application: Application, person: Person, speech: str, now: float) -> int:
        node, branch = self._branch(application, person)
        branch.sp_status, branch.speech, branch.sptime = APPROVED, speech, int(now)
        decided = [b.sp_status == APPROVED for b in node.branches]
        if any(decided) if node.apv_rel == ANY_ONE else all(decided):
            node.sp_status = APPROVED
        if all(n.sp_status == APPROVED for n in application.nodes):
            application.sp_status = APPROVED
        return AGREED

    def refuse(self, application: Application, person: Person, speech: str, now: float) -> int:
        node, branch = self._branch(application, person)
        branch.sp_status, branch.speech, branch.sptime = REFUSED, speech, int(now)
        node.sp_status = application.sp_status = REFUSED
        return REJECTED

    def _branch(self, application: Application, person: Person) -> tuple[Node, Branch]:
        node = application.current_node()
        branch = next((b for b in node.actionable() if b.person == person), None) if node else None
        if node is None or branch is None:
            raise ApprovalConflict(f"{person.userid} has nothing to decide in {application.sp_no}")
        return node, branch

    def revoke(self, application: Application, person: Person) -> int:
        """撤销: the applicant takes back a pending application, or an approved one."""
        if person != application.applyer:
            raise ApprovalConflict(f"{person.userid} is not the applicant")
        if application.sp_status == PENDING:
            application.sp_status = REVOKED
            return WITHDRAWN
        if application.sp_status == APPROVED:
            application.sp_status = REVOKED_AFTER_APPROVAL
            return WITHDRAWN_AFTER
        raise ApprovalConflict(f"sp_status {application.sp_status} cannot be revoked")

    def delete(self, application: Application) -> None:
        application.sp_status = DELETED

    def remind(self, application: Application, person: Person) -> int:
        if person != application.applyer or application.sp_status != PENDING:
            raise ApprovalConflict("only the applicant can remind, while it is pending")
        return REMINDED

    def comment(self, application: Application, person: Person, content: str, now: float) -> int:
        if not content:
            raise ApprovalConflict("a comment needs content")
        comment = Comment(person, int(now), content, str(next(self._comment_ids)))
        application.comments.append(comment)
        return COMMENTED
