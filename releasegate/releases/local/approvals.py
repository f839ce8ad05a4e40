"""ReleaseGate's own approvals behind the approval port: starting a request with its
approver group, describing it in the port's words, and taking an approver's decision."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.config import FormMapping, LocalOptions
from releasegate.releases.approvals.errors import StartRefused
from releasegate.releases.approvals.instance import (
    ApprovalInstance,
    ApprovalStatus,
    ApproverTask,
    Link,
    TaskDecision,
)
from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.releases.changes import JenkinsOpener, changes_of, configured_jenkins, of_request
from releasegate.releases.form import read_form
from releasegate.releases.local import notices
from releasegate.releases.local.decisions import PROVIDER, RELEASE_FORM, decide, not_found
from releasegate.releases.local.groups import group_for, scope
from releasegate.releases.models import (
    LocalApproval,
    LocalApprovalStatus,
    LocalDecision,
    LocalDecisionKind,
)
from releasegate.releases.refusals import Refusal
from releasegate.releases.requests import form_values

_STATUSES = {
    LocalApprovalStatus.PENDING: ApprovalStatus.PENDING,
    LocalApprovalStatus.APPROVED: ApprovalStatus.APPROVED,
    LocalApprovalStatus.REFUSED: ApprovalStatus.REFUSED,
    LocalApprovalStatus.EXPIRED: ApprovalStatus.WITHDRAWN,
}
_DECISIONS = {
    LocalDecisionKind.APPROVE: TaskDecision.APPROVED,
    LocalDecisionKind.REFUSE: TaskDecision.REFUSED,
}


class LocalApprovals:
    """The approval port's source for ReleaseGate's own approvals. `page_url(id)` is the
    approval's page on the dashboard (absolute when the dashboard's address is known)."""

    provider = PROVIDER
    release_form = RELEASE_FORM

    def __init__(
        self,
        options: LocalOptions,
        mapping: FormMapping,
        page_url: Callable[[str], str],
        clock: Callable[[], datetime] = timezone.now,
        jenkins: JenkinsOpener = configured_jenkins,
    ) -> None:
        self.options = options
        self.mapping = mapping
        self.page_url = page_url
        self.clock = clock
        self.jenkins = jenkins

    def start(self, originator_user_id: str, request: ReleaseRequest) -> str:
        """Ask the group that covers the request. Raises `StartRefused` when no group does,
        or when too few of its approvers are left once the person who asked is set aside."""
        offered = find_application(snapshot.current(), request.application, request.project)
        project = offered.project_key if offered else request.project
        application = offered.full_name if offered else request.application
        group = group_for(self.options, project, application)
        if group is None:
            said = gettext_noop(
                "Application %(application)s of project %(project)s has no approver group "
                "([local] groups): the approval cannot be started, ask an administrator"
            )
            raise _refused(Refusal(said, project=project or "—", application=application))
        approvers = [login for login in group.approvers if login != originator_user_id]
        if len(approvers) < group.required:
            said = gettext_noop(
                "The approver group of %(scope)s has only %(left)s approvers besides the "
                "person who asked, fewer than the %(required)s it needs: the approval cannot "
                "be started"
            )
            left, required = len(approvers), group.required
            raise _refused(Refusal(said, scope=scope(group), left=left, required=required))
        # Jenkins is asked first: no network call inside the transaction below.
        proposed = of_request(request, self.mapping, settings.CONFIG.options.releases)
        changes = changes_of(proposed, self.jenkins)
        now = self.clock()
        hours = self.options.expire_hours
        with transaction.atomic():
            approval = LocalApproval.objects.create(
                originator=originator_user_id,
                project_key=project,
                application_name=application,
                approvers=approvers,
                required=group.required,
                request=dataclasses.asdict(request),
                form=[list(pair) for pair in form_values(request, self.mapping)],
                created_at=now,
                expires_at=now + timedelta(hours=hours) if hours else None,
            )
            notices.asked(approval, self.page_url(str(approval.pk)), now, changes)
        return str(approval.pk)

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        approval = LocalApproval.objects.filter(pk=_number(instance_id)).first()
        if approval is None:
            raise not_found(instance_id)
        return self.describe(approval)

    def describe(self, approval: LocalApproval) -> ApprovalInstance:
        """The approval in the port's words."""
        decisions = {d.approver: d for d in approval.decisions.all()}
        status = LocalApprovalStatus(approval.status)
        form = tuple((str(label), str(value)) for label, value in approval.form)
        approved_by = tuple(
            d.approver for d in decisions.values() if d.decision == LocalDecisionKind.APPROVE
        )
        return ApprovalInstance(
            provider=PROVIDER,
            instance_id=str(approval.pk),
            status=_STATUSES[status],
            provider_status=f"{status.name} {len(approved_by)}/{approval.required}",
            title=f"{approval.originator}提交的发布申请",
            originator_user_id=approval.originator,
            approvers=tuple(approval.approvers),
            approved_by=approved_by,
            tasks=tuple(_task(login, decisions.get(login), status) for login in approval.approvers),
            form=form,
            request=read_form(dict(form), self.mapping),
            form_code=RELEASE_FORM,
            created_at=approval.created_at,
            finished_at=approval.finished_at,
            links=(Link("ReleaseGate", self.page_url(str(approval.pk))),),
        )

    def changed_since(self, since: datetime, until: datetime) -> list[str]:
        """The approvals that ended in the window."""
        ended = LocalApproval.objects.filter(finished_at__gte=since, finished_at__lte=until)
        return [str(pk) for pk in ended.order_by("pk").values_list("pk", flat=True)]

    def is_release_form(self, instance: ApprovalInstance) -> bool:
        """ReleaseGate's own approvals are all release requests."""
        return instance.provider == PROVIDER

    def act(
        self, instance_id: str, task_id: str, approver_user_id: str, decision: Decision, remark: str
    ) -> None:
        """Decide as `approver_user_id` (their login; a task is theirs alone, so `task_id`
        adds nothing). Raises `ApprovalNotFound`, or `ActionRefused` saying why not."""
        decide(_number(instance_id), approver_user_id, decision, remark, self.clock())


def awaiting(login: str) -> list[LocalApproval]:
    """The pending approvals that wait for `login`'s decision, oldest first."""
    pending = LocalApproval.objects.filter(status=LocalApprovalStatus.PENDING).order_by(
        "created_at", "pk"
    )
    decided = set(
        LocalDecision.objects.filter(
            approver=login, approval__status=LocalApprovalStatus.PENDING
        ).values_list("approval_id", flat=True)
    )
    return [a for a in pending if login in a.approvers and a.pk not in decided]


def _task(login: str, decision: LocalDecision | None, status: LocalApprovalStatus) -> ApproverTask:
    if decision is None:
        # Closed without their word once the approval ended.
        left = TaskDecision.PENDING if status == LocalApprovalStatus.PENDING else TaskDecision.OTHER
        return ApproverTask(user_id=login, decision=left, task_id=login)
    return ApproverTask(
        user_id=login,
        decision=_DECISIONS[LocalDecisionKind(decision.decision)],
        task_id=login,
        decided_at=decision.decided_at,
        remark=decision.remark,
    )


def _number(instance_id: str) -> int:
    """The approval's row id; `ApprovalNotFound` for an id that cannot be one."""
    text = instance_id.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise not_found(instance_id)
    return int(text)


def _refused(refusal: Refusal) -> StartRefused:
    refused = StartRefused(refusal, service=PROVIDER, permanent=True)
    refused.refusal = refusal
    return refused
