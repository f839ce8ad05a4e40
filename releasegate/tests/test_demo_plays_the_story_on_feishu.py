"""`releasegate demo --platform feishu` plays the story on the Feishu simulator: the form's
options come from ReleaseGate, a request that breaks a rule is approved in Feishu and
refused by ReleaseGate with the reason sent to the tester, the corrected one runs, a
scheduled release fires on time beside a failing one, and everyone's Feishu has a card
for each outcome (the group's bot too)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from releasegate.tests.cli import releasegate, runs_the_demo

pytestmark = [pytest.mark.slow, runs_the_demo]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-feishu")


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> subprocess.CompletedProcess[str]:
    # A DingTalk setting of the caller's must not turn DingTalk on beside Feishu.
    env = {"DINGTALK_APP_KEY": "dingcallersappkey"}
    return releasegate("demo", "--platform", "feishu", env=env, data_dir=demo_dir, timeout=120)


def test_the_demo_completes_and_exits_0(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo complete" in demo.stdout
    assert "DingTalk" not in demo.stdout


def test_the_form_offers_the_catalog(demo: subprocess.CompletedProcess[str]) -> None:
    assert "项目名称: 商城 (mall) | 运维平台 (ops) | 支付中心 (payment)" in demo.stdout
    assert "订单服务 (mall/order-service)" in demo.stdout


def test_a_request_that_breaks_a_rule_is_refused_with_the_reason(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "#1 RECEIVED → REJECTED: 有数据库变更且尚未完成" in lines
    assert re.search(r"#2 [A-Z_]+ → SUCCEEDED: build #1 ended SUCCESS", lines)
    assert "#3 fired on time: planned " in lines
    assert re.search(r"#4 RUNNING → FAILED", lines)


def test_everyone_gets_a_card_for_each_outcome(demo: subprocess.CompletedProcess[str]) -> None:
    lines = demo.stdout
    for person in ("张三 (zhangsan)", "李四 (lisi)", "王五 (wangwu)"):
        assert f"{person}'s Feishu: 8 cards from the app" in lines
    assert "发布被拒绝：mall/order-service #1" in lines
    assert "the release group's bot posted 8 cards" in lines


def test_the_ready_file_names_feishu(
    demo: subprocess.CompletedProcess[str], demo_dir: Path
) -> None:
    ready = json.loads((demo_dir / "demo-ready.json").read_text(encoding="utf-8"))
    assert "feishu_url" in ready and "dingtalk_url" not in ready
    assert ready["users"][0]["feishu_user_id"].startswith("ou_")
    assert ready["releases"] == [1, 2, 3, 4]
