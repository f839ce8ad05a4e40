"""The approvers of a request in ReleaseGate's own approvals are told what it changes:
its parameters next to the application's last good release (a changed one in bold),
the commits Jenkins recorded in the builds since that release's build, the database
change and when it runs; Jenkins is read over the wire (the simulator), and when it
cannot answer the notice goes out all the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings

from releasegate.config import LocalGroup, LocalOptions
from releasegate.integrations.jenkins.change_sets import BuildChanges, Commit
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.changes import (
    COMMITS_SHOWN,
    CommitsStatus,
    changes_of,
    of_form,
    of_release,
    of_request,
    since,
)
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.models import Approval, Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.releases.tests.local_approvals import page_url

pytestmark = pytest.mark.django_db

GATEWAY = "payment/gateway"
BATCH = "payment/settlement-batch"
GROUPS = [LocalGroup(project="payment", approvers=["lisi"], required=1)]
ASKED = ReleaseRequest(
    project="payment",
    application=GATEWAY,
    release_time="2031-05-06 21:30",
    db_change="是",
    db_change_done="是",
    parameters={"BRANCH": "v2.4.1", "ENV": "prod"},
)


def build(harness: Harness, job: str, parameters: dict[str, str], *commits: str) -> list[str]:
    """Push `commits` (messages), then run one build of `job` to its end; the ids."""
    ids = harness.sim.push_commits(job, *({"message": m, "author": "Li Lei"} for m in commits))
    harness.jenkins.trigger(job, parameters)
    harness.sim.advance(600)
    return ids


def succeeded(
    harness: Harness, job: str, build_number: int, parameters: dict[str, object]
) -> Release:
    """The application's release that succeeded with `build_number`, as ingest and the
    engine leave it."""
    moment = harness.clock() + timedelta(minutes=build_number)
    approval = Approval.objects.create(
        provider="local",
        instance_id=f"good-{build_number}",
        status="approved",
        first_seen_at=moment,
        refreshed_at=moment,
    )
    return Release.objects.create(
        approval=approval,
        state=ReleaseState.SUCCEEDED,
        project_key="payment",
        application_name=job,
        job_full_name=job,
        approved_parameters=parameters,
        build_number=build_number,
        received_via="event",
        received_at=moment - timedelta(hours=1),
        finished_at=moment,
        updated_at=moment,
    )


def start(harness: Harness, request: ReleaseRequest) -> str:
    """Start the request in ReleaseGate's own approvals; the approvers' notice."""
    local = LocalApprovals(
        LocalOptions(groups=GROUPS),
        settings.CONFIG.options.form,
        page_url,
        harness.clock,
        jenkins=harness.client,
    )
    local.start("zhangsan", request)
    notice = Notification.objects.get(kind="approval_asked")
    return notice.markdown


def test_it_compares_with_the_last_good_release_and_lists_the_commits_since(
    harness: Harness,
) -> None:
    build(harness, GATEWAY, {"TAG": "v2.4.0", "ENV": "prod"}, "Old work")
    good = succeeded(harness, GATEWAY, 1, {"TAG": "v2.4.0", "ENV": "prod"})
    fix, feature = build(harness, GATEWAY, {"TAG": "master", "ENV": "staging"}, "Fix\nmore", "Add")

    markdown = start(harness, ASKED)

    assert f"- 参数对比（本次 ← 上次成功的发布 #{good.pk}）：" in markdown
    assert "  - **TAG：v2.4.1 ← v2.4.0**" in markdown
    assert "  - ENV：prod ← prod\n" in markdown
    assert "- 变更（构建 #1 之后 Jenkins 记录的提交）：" in markdown
    listed = [line for line in markdown.splitlines() if line.startswith("  - `")]
    assert listed == [f"  - `{feature[:8]}` Add — Li Lei", f"  - `{fix[:8]}` Fix — Li Lei"]
    assert "Old work" not in markdown
    assert "- 数据库变更：有（已执行）" in markdown
    assert "- 发布时间：2031-05-06 21:30" in markdown


def test_a_first_release_says_so_without_asking_jenkins(harness: Harness) -> None:
    build(harness, GATEWAY, {"TAG": "v2.4.0", "ENV": "prod"}, "Work nobody released")
    before = harness.sim.requests()["total"]

    markdown = start(harness, ASKED)

    assert "- 参数对比：首次发布，没有上次成功的发布可比" in markdown
    assert "- 变更：首次发布，没有上次成功的发布，无从比较" in markdown
    assert harness.sim.requests()["total"] == before


def test_when_jenkins_is_down_the_notice_still_goes_out(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    build(harness, GATEWAY, {"TAG": "v2.4.0", "ENV": "prod"}, "Old work")
    succeeded(harness, GATEWAY, 1, {"TAG": "v2.4.0", "ENV": "prod"})
    harness.sim.set_faults(error_rate=1.0)

    markdown = start(harness, ASKED)

    assert "- 变更：暂时无法从 Jenkins 读取（不影响审批）" in markdown
    assert "  - **TAG：v2.4.1 ← v2.4.0**" in markdown
    assert any(
        r.levelname == "WARNING" and "changes of payment/gateway unavailable" in r.message
        for r in caplog.records
    )


def test_a_password_is_masked_and_never_marked_changed(harness: Harness) -> None:
    build(harness, BATCH, {"VERSION": "1.0.0", "DB_PASSWORD": "old-secret"})
    succeeded(harness, BATCH, 1, {"VERSION": "1.0.0", "DB_PASSWORD": "old-secret"})
    asked = ReleaseRequest(
        project="payment",
        application=BATCH,
        parameters={"VERSION": "1.1.0", "DB_PASSWORD": "new-secret"},
    )
    proposed = of_request(asked, settings.CONFIG.options.form, settings.CONFIG.options.releases)

    changes = changes_of(proposed, harness.client)

    rows = {row.name: row for row in changes.parameters}
    assert (rows["DB_PASSWORD"].now, rows["DB_PASSWORD"].before) == ("******", "******")
    assert rows["DB_PASSWORD"].changed is False
    assert rows["VERSION"].changed is True
    assert changes.commits_status == CommitsStatus.LISTED
    assert "secret" not in repr(changes)


def test_closed_build_ranges_are_read_once(harness: Harness) -> None:
    build(harness, GATEWAY, {"TAG": "v2.4.0", "ENV": "prod"}, "Old work")
    succeeded(harness, GATEWAY, 1, {"TAG": "v2.4.0", "ENV": "prod"})
    build(harness, GATEWAY, {"TAG": "master", "ENV": "staging"}, "New work")
    later = succeeded(harness, GATEWAY, 2, {"TAG": "master", "ENV": "staging"})

    first = changes_of(of_release(later), harness.client)
    before = harness.sim.requests()["total"]
    again = changes_of(of_release(later), harness.client)

    assert [c.message for c in first.commits] == ["New work"]
    assert again == first
    assert harness.sim.requests()["total"] == before


def test_a_form_filled_on_a_platform_reads_the_same(harness: Harness) -> None:
    build(harness, GATEWAY, {"TAG": "v2.4.0", "ENV": "prod"}, "Old work")
    succeeded(harness, GATEWAY, 1, {"TAG": "v2.4.0", "ENV": "prod"})
    form = {
        "项目名称": "支付中心 (payment)",
        "应用名称": "支付网关 (payment/gateway)",
        "分支或标签": "v2.4.1",
        "环境": "prod",
        "是否有数据库变更": "否",
    }
    options = settings.CONFIG.options

    changes = changes_of(of_form(form, options.form, options.releases), harness.client)

    assert changes.application == GATEWAY
    assert [(row.name, row.changed) for row in changes.parameters] == [
        ("TAG", True),
        ("ENV", False),
    ]
    assert (changes.has_db_change, changes.release_time) == (False, None)


def test_only_the_newest_commits_are_listed_and_the_rest_counted(harness: Harness) -> None:
    build(harness, GATEWAY, {"TAG": "v2.4.0", "ENV": "prod"}, "Old work")
    succeeded(harness, GATEWAY, 1, {"TAG": "v2.4.0", "ENV": "prod"})
    messages = [f"Change {n}" for n in range(1, COMMITS_SHOWN + 3)]
    build(harness, GATEWAY, {"TAG": "master", "ENV": "staging"}, *messages)

    markdown = start(harness, ASKED)

    listed = [line for line in markdown.splitlines() if line.startswith("  - `")]
    assert len(listed) == COMMITS_SHOWN
    assert listed[0].endswith(f"Change {COMMITS_SHOWN + 2} — Li Lei")
    assert "  - 另有 2 条提交" in markdown


def test_it_says_when_the_last_good_build_is_older_than_the_builds_read() -> None:
    commit = Commit("c" * 40, "Work", "Li Lei", None)
    newest = [BuildChanges(n, "SUCCESS", 0, (commit,)) for n in range(30, 10, -1)]

    _, complete = since(newest, after=5, upto=None)
    _, complete_from_ten = since(newest, after=10, upto=None)

    assert (complete, complete_from_ten) == (False, True)
