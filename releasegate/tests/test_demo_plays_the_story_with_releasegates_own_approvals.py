"""`releasegate demo --platform local` plays the story without DingTalk: approver groups
decide, through the API, the command line and the dashboard; one request is refused, one
is approved by both approvers (not by the person who asked) and built, one is approved on
its page and fires at its time; each person's dashboard lists what they were told."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from releasegate.tests.cli import releasegate, runs_the_demo

# One run of the demo serves every test here: it takes tens of seconds.
pytestmark = [pytest.mark.slow, runs_the_demo]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-local")


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> subprocess.CompletedProcess[str]:
    # A DingTalk setting of the caller's must not turn DingTalk on beside the groups.
    env = {"DINGTALK_APP_KEY": "dingcallersappkey"}
    return releasegate("demo", "--platform", "local", env=env, data_dir=demo_dir, timeout=120)


def test_the_demo_completes_and_exits_0(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo complete" in demo.stdout
    assert "DingTalk simulator" not in demo.stdout


def test_a_request_is_refused_on_the_command_line(demo: subprocess.CompletedProcess[str]) -> None:
    lines = demo.stdout
    assert "张三 asks for payment/gateway v2.4.1: approval 1" in lines
    assert "李四's approvals (GET /api/approvals): [1]" in lines
    assert "lisi$ releasegate refuse 1 --reason 支付网关本周冻结" in lines
    assert "李四 refuses: approval 1 is refused; zhangsan is told" in lines


def test_two_approvers_approve_and_the_release_runs(demo: subprocess.CompletedProcess[str]) -> None:
    lines = demo.stdout
    assert "张三 tries to approve it himself: 403, 申请人不能审批自己的发布申请" in lines
    assert "李四 approves (POST /api/approvals/2/approve): still pending, 1 of 2" in lines
    assert "王五 approves: approval 2 is approved (2 of 2)" in lines
    assert "ReleaseGate received release #1: mall/order-service, 灰度" in lines
    assert "each checked against ReleaseGate's own approvals" in lines
    assert re.search(r"#1 [A-Z_]+ → SUCCEEDED: build #1 ended SUCCESS", lines)


def test_a_release_asked_for_on_the_dashboard_fires_on_time(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "on the new-release page: approval 3" in lines
    assert "王五 opens /requests/3/ and clicks Approve: 1 of 1" in lines
    assert "#2 waits, SCHEDULED for " in lines
    assert "#2 fired on time: planned " in lines
    assert lines.index("#2 waits, SCHEDULED") < lines.index("#2 SCHEDULED → TRIGGERING")


def test_each_persons_dashboard_lists_what_they_were_told(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "张三 (zhangsan)'s dashboard: 6 messages" in lines
    assert "李四 (lisi)'s dashboard: 5 messages" in lines
    assert "王五 (wangwu)'s dashboard: 9 messages" in lines
    assert "发布申请被拒绝：payment/gateway #1" in lines
    assert "待你审批：mall/order-service 发布申请 #2" in lines


def test_the_end_names_the_approvers_logins_and_the_ready_file_has_them(
    demo: subprocess.CompletedProcess[str], demo_dir: Path
) -> None:
    assert "lisi / releasegate-demo  (approves)" in demo.stdout
    ready = json.loads((demo_dir / "demo-ready.json").read_text(encoding="utf-8"))
    assert "dingtalk_url" not in ready
    assert [user["username"] for user in ready["users"]] == ["zhangsan", "lisi", "wangwu", "admin"]
    assert ready["releases"] == [1, 2]
