"""A request started in ReleaseGate's own approvals is asked of the group configured for
its application, else for its project, without the person who asked; nothing is started
when no group covers it, and the approvers are told it awaits them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from releasegate.config import LocalGroup, LocalOptions
from releasegate.releases.approvals.errors import StartRefused
from releasegate.releases.approvals.instance import ApprovalStatus, Link, TaskDecision
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.models import LocalApproval, Notification
from releasegate.releases.tests.local_approvals import GATEWAY, ORDER, Clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def test_the_projects_group_is_asked_and_described_in_the_ports_words(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)

    instance = local.get_instance(instance_id)
    assert instance.provider == "local"
    assert (instance.status, instance.provider_status) == (ApprovalStatus.PENDING, "PENDING 0/2")
    assert instance.originator_user_id == "zhangsan"
    assert instance.approvers == ("lisi", "wangwu", "zhaoliu")
    assert [(t.user_id, t.decision) for t in instance.tasks] == [
        ("lisi", TaskDecision.PENDING),
        ("wangwu", TaskDecision.PENDING),
        ("zhaoliu", TaskDecision.PENDING),
    ]
    assert dict(instance.form) == {
        "项目名称": "商城 (mall)",
        "应用名称": "订单服务 (mall/order-service)",
        "发布类型": "灰度",
        "是否有数据库变更": "否",
        "分支或标签": "v3.7.2",
    }
    assert instance.request is not None
    assert (instance.request.project, instance.request.parameters) == (
        "商城 (mall)",
        {"BRANCH": "v3.7.2"},
    )
    assert instance.created_at == clock.now and instance.finished_at is None
    assert instance.links == (
        Link("ReleaseGate", f"https://releasegate.example.com/requests/{instance_id}/"),
    )
    assert local.is_release_form(instance)


def test_an_applications_own_group_wins_over_its_projects(
    local: LocalApprovals, local_options: LocalOptions, clock: Clock
) -> None:
    groups = [
        LocalGroup(project="mall", approvers=["lisi", "wangwu"], required=2),
        LocalGroup(project="mall", application="mall/order-service", approvers=["zhaoliu"]),
    ]
    options = local_options.model_copy(update={"groups": groups})
    source = LocalApprovals(options, local.mapping, local.page_url, clock)

    approval = LocalApproval.objects.get(pk=source.start("zhangsan", ORDER))

    assert (approval.approvers, approval.required) == (["zhaoliu"], 1)


def test_the_person_who_asked_is_never_among_the_approvers(local: LocalApprovals) -> None:
    approval = LocalApproval.objects.get(pk=local.start("wangwu", ORDER))

    assert approval.approvers == ["lisi", "zhaoliu"]
    assert approval.required == 2


def test_a_group_left_too_small_without_the_person_who_asked_starts_nothing(
    local: LocalApprovals,
) -> None:
    with pytest.raises(StartRefused) as refused:
        local.start("lisi", GATEWAY)

    assert "payment/gateway" in refused.value.message
    assert "只有 0 位审批人" in refused.value.message
    assert not LocalApproval.objects.exists()


def test_a_request_no_group_covers_is_refused_naming_its_project_and_application(
    local: LocalApprovals,
) -> None:
    ops = dataclasses.replace(ORDER, project="ops", application="ops/nightly-backup")

    with pytest.raises(StartRefused) as refused:
        local.start("zhangsan", ops)

    assert "项目 ops 的应用 ops/nightly-backup 没有配置审批组" in refused.value.message
    assert not LocalApproval.objects.exists()
    assert not Notification.objects.exists()


def test_the_approvers_are_told_it_awaits_them_with_where_to_decide(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)

    [told] = Notification.objects.all()
    assert told.release is None
    assert (told.provider, told.channel, told.kind) == ("local", "people", "approval_asked")
    assert told.recipients == ["lisi", "wangwu", "zhaoliu"]
    assert told.title == f"待你审批：mall/order-service 发布申请 #{instance_id}"
    assert f"https://releasegate.example.com/requests/{instance_id}/" in told.markdown
    assert "- 分支或标签：v3.7.2" in told.markdown
    assert "需要 2 位审批人同意" in told.markdown
    assert f"releasegate approve {instance_id}" in told.markdown
    assert told.next_attempt_at == clock.now


def test_it_expires_after_the_configured_hours_or_never(
    local: LocalApprovals, local_options: LocalOptions, clock: Clock
) -> None:
    expiring = LocalApproval.objects.get(pk=local.start("zhangsan", ORDER))
    never = LocalApprovals(
        local_options.model_copy(update={"expire_hours": 0}), local.mapping, local.page_url, clock
    )
    lasting = LocalApproval.objects.get(pk=never.start("zhangsan", ORDER))

    assert expiring.expires_at == clock.now + timedelta(hours=24)
    assert lasting.expires_at is None
