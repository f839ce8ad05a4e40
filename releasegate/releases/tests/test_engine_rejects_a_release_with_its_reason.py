"""Every policy that refuses a release: REJECTED, the reason in the audit trail, and the
people who asked and approved told why (in one message each, naming the reason)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from releasegate.config import ReleaseOptions
from releasegate.releases.models import Notification, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    form: Callable[[Harness], dict[str, str]] = lambda harness: {}
    instance: dict[str, Any] = field(default_factory=dict)
    options: Callable[[Harness], dict[str, Any]] = lambda harness: {}
    reason: str = ""
    recipients: tuple[str, ...] = ("zhangsan", "lisi", "wangwu")


CASES = {
    "an unknown application": Case(
        form=lambda harness: {"应用名称": "不存在的服务 (mall/no-such-service)"},
        reason="应用 不存在的服务 (mall/no-such-service) 不在项目 商城 中，或未开放发布",
    ),
    "a disabled application": Case(
        form=lambda harness: {"应用名称": "旧版后台 (mall/legacy-admin)"},
        reason="应用 旧版后台 (mall/legacy-admin) 不在项目 商城 中，或未开放发布",
    ),
    "a parameter value the job does not offer": Case(
        form=lambda harness: {"分支或标签": "v9.9.9"},
        reason="参数 TAG（发布的标签） 的值 'v9.9.9' 不在可选范围内",
    ),
    "a database change not done yet": Case(
        form=lambda harness: {"是否有数据库变更": "是", "数据库变更是否完成": "否"},
        reason="有数据库变更且尚未完成",
    ),
    "an originator who was their own only approver": Case(
        instance={"approvers": ("zhangsan",)},
        reason="申请人不能是自己发布的唯一审批人",
        recipients=("zhangsan",),
    ),
    "a release time long past": Case(
        form=lambda harness: {"发布时间": harness.release_time(-2 * 3600)},
        reason="已经过去，请重新选择",
    ),
    "a release time beyond the horizon": Case(
        form=lambda harness: {"发布时间": harness.release_time(40 * 86400)},
        reason="发布时间不能晚于 30 天之后",
    ),
    "a release time nobody can read": Case(
        form=lambda harness: {"发布时间": "下周三上午"}, reason="'下周三上午' 无法识别"
    ),
    "a time outside every release window": Case(
        options=lambda harness: {"windows": [harness.window_on_other_days()]},
        reason="不在发布窗口内",
    ),
    "a time inside a freeze": Case(
        options=lambda harness: {"freezes": [harness.freeze_around_now("大促封网")]},
        reason="处于封网期：大促封网",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_it_rejects_the_release_and_tells_everyone_why(harness: Harness, case: Case) -> None:
    harness.context.options = harness.context.options.model_copy(update=case.options(harness))
    release = harness.approve(form=case.form(harness), **case.instance)

    harness.run()

    assert harness.state(release) == ReleaseState.REJECTED
    assert case.reason in release.reason
    rejected = release.events.get(to_state=ReleaseState.REJECTED)
    assert (rejected.from_state, rejected.actor) == (ReleaseState.RECEIVED, "policy")
    assert case.reason in rejected.reason
    [told] = Notification.objects.filter(release=release)
    assert (told.kind, told.recipients) == ("rejected", list(case.recipients))
    assert f"原因：{release.reason}" in told.markdown
    harness.tick(3600)
    harness.run(passes=2)
    assert harness.sim.builds() == []
    assert harness.state(release) == ReleaseState.REJECTED


def test_self_approval_is_allowed_when_the_option_is_off(
    harness: Harness, engine_options: ReleaseOptions
) -> None:
    harness.context.options = engine_options.model_copy(update={"forbid_self_approval": False})
    release = harness.approve(approvers=("zhangsan",))

    harness.until(lambda: harness.triggered(release))

    assert [build["parameters"]["TAG"] for build in harness.sim.builds()] == ["v3.7.2"]


def test_an_originator_who_also_approves_beside_someone_else_is_not_self_approval(
    harness: Harness,
) -> None:
    release = harness.approve(approvers=("zhangsan", "lisi"))

    harness.run()

    assert harness.triggered(release)
    assert release.events.filter(to_state=ReleaseState.REJECTED).count() == 0
