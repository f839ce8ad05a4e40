"""What people are told: each message names the application, its parameters, who asked
and approved, the build (linked), and when it ends the result, how long it took and,
on failure, the console's last lines. Everyone is told once; no two messages are the
same, so DingTalk never drops one as a repeat."""

from __future__ import annotations

import pytest

from releasegate.config import ReleaseOptions
from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

INVENTORY = "mall/inventory-service"
INVENTORY_FORM = {"应用名称": "库存服务 (mall/inventory-service)", "分支或标签": "master"}
S = ReleaseState


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    return engine_options.model_copy(update={"one_active_per_application": False})


def messages(release: Release) -> dict[str, Notification]:
    return {n.kind: n for n in Notification.objects.filter(release=release)}


def parameters_shown(message: Notification) -> set[str]:
    """The message's parameters line, as a set ("NAME=value"): PostgreSQL's jsonb keeps
    no key order."""
    [line] = [line for line in message.markdown.splitlines() if line.startswith("- 参数：")]
    return set(line.removeprefix("- 参数：").split("，"))


def test_a_failed_release_tells_everything_with_the_console_tail(harness: Harness) -> None:
    # The originator is also an approver (beside someone else), and lisi appears twice.
    release = harness.approve(form=INVENTORY_FORM, approvers=("lisi", "zhangsan", "lisi"))

    harness.until(lambda: harness.state(release) == S.FAILED)

    told = messages(release)
    assert sorted(told) == ["finished", "started"]
    [build] = harness.sim.builds(INVENTORY)
    link = f"- 构建：[#1]({release.build_url})"
    assert release.build_url.endswith("/job/mall/job/inventory-service/1/")
    for message in told.values():
        assert message.recipients == ["zhangsan", "lisi"]
        assert f"#{release.pk}" in message.title
        assert "- 应用：mall/inventory-service" in message.markdown
        assert parameters_shown(message) == {"BRANCH=master"}
        assert "- 申请人：zhangsan；审批人：lisi、zhangsan" in message.markdown
        assert link in message.markdown
    assert told["started"].title == f"发布开始：{INVENTORY} #{release.pk}"
    finished = told["finished"]
    assert finished.title == f"发布结束：{INVENTORY} #{release.pk}"
    assert "- 结果：❌ 失败" in finished.markdown
    seconds = round((build["finished_ms"] - build["started_ms"]) / 1000)
    assert f"- 用时：{seconds} 秒" in finished.markdown
    assert "控制台最后几行：" in finished.markdown
    assert "--- FAIL: TestReserveStock (0.42s)" in finished.markdown
    assert finished.markdown.rstrip().endswith("Finished: FAILURE\n```")
    assert "用时" not in told["started"].markdown


def test_a_succeeded_release_has_no_console_tail(harness: Harness) -> None:
    release = harness.approve(
        form={"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
    )

    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    finished = messages(release)["finished"]
    assert "- 结果：✅ 成功" in finished.markdown
    assert parameters_shown(finished) == {"BRANCH=master", "ENV=prod", "RELEASE_TYPE=灰度"}
    assert "控制台" not in finished.markdown
    assert finished.recipients == ["zhangsan", "lisi", "wangwu"]


def test_the_waiting_message_says_where_to_answer(harness: Harness) -> None:
    release = harness.approve()

    harness.until(lambda: harness.state(release) == S.WAITING_INPUT)

    waiting = messages(release)["waiting_input"]
    assert waiting.title == f"发布等待确认：mall/order-service #{release.pk}"
    assert waiting.recipients == ["zhangsan", "lisi", "wangwu"]
    assert parameters_shown(waiting) == {"TAG=v3.7.2", "RELEASE_TYPE=灰度", "CANARY_PERCENT=10"}
    assert f"- 构建：[#1]({release.build_url})" in waiting.markdown
    assert "input：Deploy-approval" in waiting.markdown


def test_no_two_messages_are_the_same_even_for_identical_releases(harness: Harness) -> None:
    releases = [harness.approve(f"inst-{n}", form=INVENTORY_FORM) for n in range(2)]

    harness.until(lambda: all(harness.state(r) == S.FAILED for r in releases))

    sent = [(n.title, n.markdown) for n in Notification.objects.all()]
    assert len(sent) == 4
    assert len(set(sent)) == len(sent)
    assert len({title for title, _ in sent}) == len(sent)
