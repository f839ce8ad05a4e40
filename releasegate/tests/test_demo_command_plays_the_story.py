from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password

from releasegate.tests.cli import releasegate, runs_the_demo

# One run of the demo serves every test here: it takes tens of seconds.
pytestmark = [pytest.mark.slow, runs_the_demo]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> subprocess.CompletedProcess[str]:
    # A stale ready file from an earlier run must not survive this one.
    (demo_dir / "demo-ready.json").write_text('{"releases": [99]}', encoding="utf-8")
    return releasegate("demo", env={}, data_dir=demo_dir, timeout=120)


def ended(release: str, ending: str, lines: str) -> bool:
    """The release's last transition is in the timeline, from whichever state the worker
    last saw (a busy machine may see a short build only once it has ended)."""
    return re.search(rf"{release} [A-Z_]+ → {re.escape(ending)}", lines) is not None


def test_the_demo_completes_and_exits_0(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo complete" in demo.stdout


def test_the_tester_is_blocked_then_approved_and_the_release_succeeds(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "synced 8 jobs" in lines
    assert "项目名称: 商城 (mall) | 运维平台 (ops) | 支付中心 (payment)" in lines
    assert "blocked at submit" in lines
    assert "有数据库变更且尚未完成" in lines
    assert "ReleaseGate puts a card with 同意 / 拒绝 in 李四's DingTalk chat" in lines
    assert "李四 (lisi) taps 同意 on the card; it now says lisi 已在卡片中同意" in lines
    assert "#1 card-click: agree on the card: their task was decided" in lines
    assert "ReleaseGate received release #1: mall/order-service, 灰度" in lines
    assert "{'TAG': 'v3.7.2', 'RELEASE_TYPE': '灰度'}" in lines
    assert "#1 the pipeline's input step answered with" in lines
    assert ended("#1", "SUCCEEDED: build #1 ended SUCCESS", lines)


def test_the_scheduled_release_waits_then_fires_on_time(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "ReleaseGate received release #2: payment/gateway" in lines
    assert "#2 waits, SCHEDULED for " in lines
    assert "#2 fired on time: planned " in lines
    assert "never before" in lines
    assert lines.index("#2 waits, SCHEDULED") < lines.index("#2 SCHEDULED → TRIGGERING")
    assert ended("#2", "SUCCEEDED: build #1 ended SUCCESS", lines)


def test_the_failing_application_reports_its_console_tail(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert ended("#3", "FAILED: build #1 ended FAILURE", lines)
    assert "stock_test.go:88: expected 5 reserved, got 4" in lines
    assert "发布结束：mall/inventory-service #3 (with the console tail)" in lines


def test_a_release_jenkins_refused_is_retried_once_its_job_is_enabled(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "ReleaseGate received release #4: payment/gateway" in lines
    assert "{'TAG': 'v2.5.0', 'ENV': 'prod'}" in lines
    assert ended("#4", "ERROR: trigger failed permanently: job payment/gateway is not", lines)
    assert "admin$ releasegate retry 4 --reason payment/gateway enabled again" in lines
    assert "#4 ERROR → TRIGGERING: retried by api:admin: payment/gateway enabled again" in lines
    assert ended("#4", "SUCCEEDED: build #2 ended SUCCESS", lines)
    assert "#4 retried by admin: one build of v2.5.0, as approved" in lines


def test_the_bad_release_is_rolled_back_to_the_last_good_one_after_approval(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "zhangsan$ releasegate rollback payment/gateway --reason v2.5.0 支付回调变慢" in lines
    assert "王五 (wangwu) approves the rollback in DingTalk" in lines
    assert "ReleaseGate received release #5: payment/gateway" in lines
    assert "{'TAG': 'v2.4.1', 'ENV': 'prod'}; asked by zhangsan, approved by lisi, wangwu" in lines
    assert ended("#5", "SUCCEEDED: build #3 ended SUCCESS", lines)
    assert "#5 rolled payment/gateway back from #4 to the parameters of #2 (v2.4.1)" in lines


def test_the_calendar_and_the_insights_count_the_demos_releases(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    calendar = r"GET /api/calendar\?view=week&date=\S+: \S+ to \S+, \d+ releases \(#5 among"
    assert re.search(calendar, lines)
    assert "GET /api/insights: 4 deployments, 2 change failures (rate 40%)" in lines
    assert "/calendar/ draws it" in lines
    assert "/insights/ charts them week by week" in lines


def test_each_persons_inbox_shows_every_outcome(demo: subprocess.CompletedProcess[str]) -> None:
    lines = demo.stdout
    for person in ("张三 (zhangsan)", "李四 (lisi)", "王五 (wangwu)"):
        assert f"{person}'s DingTalk: 12 work notifications" in lines
    assert "发布已排期：payment/gateway #2" in lines
    assert "发布结束：mall/order-service #1" in lines
    assert "发布出错：payment/gateway #4" in lines
    assert "发布结束：payment/gateway #5" in lines


def test_the_end_shows_the_releases_the_addresses_and_the_logins(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "mall/inventory-service" in lines.split("Releases of this demo")[1]
    assert "  Dashboard           http://127.0.0.1:" in lines
    assert "/admin/" in lines
    assert "zhangsan / releasegate-demo" in lines
    assert "admin / releasegate-demo" in lines


def test_the_ready_file_tells_where_everything_is(
    demo: subprocess.CompletedProcess[str], demo_dir: Path
) -> None:
    ready = json.loads((demo_dir / "demo-ready.json").read_text(encoding="utf-8"))
    assert ready["releasegate_url"].startswith("http://127.0.0.1:")
    assert ready["jenkins_url"].startswith("http://127.0.0.1:")
    assert ready["dingtalk_url"].startswith("http://127.0.0.1:")
    assert ready["users"] == [
        {"username": "zhangsan", "password": "releasegate-demo", "dingtalk_user_id": "zhangsan"},
        {"username": "admin", "password": "releasegate-demo"},
    ]
    assert ready["releases"] == [1, 2, 3, 4, 5]
    assert not list(demo_dir.glob("*.partial"))


def test_the_tester_and_the_admin_can_log_in_with_the_demo_password(
    demo: subprocess.CompletedProcess[str], demo_dir: Path
) -> None:
    with contextlib.closing(sqlite3.connect(demo_dir / "releasegate.sqlite3")) as database:
        users = {
            username: (encoded, bool(staff), bool(superuser), dingtalk_user_id)
            for username, encoded, staff, superuser, dingtalk_user_id in database.execute(
                "SELECT u.username, u.password, u.is_staff, u.is_superuser, p.dingtalk_user_id"
                " FROM auth_user u LEFT JOIN web_profile p ON p.user_id = u.id"
            )
        }
    assert set(users) == {"zhangsan", "admin"}
    assert users["zhangsan"][1:] == (False, False, "zhangsan")
    assert users["admin"][1:3] == (True, True)
    for encoded, *_ in users.values():
        assert check_password("releasegate-demo", encoded)
