"""`releasegate demo --platform wecom` plays the story on the WeCom simulator: the
template's selectors open ReleaseGate's picker pages (signed for WeCom's JS-SDK), a
request that breaks a rule is approved in WeCom and refused by ReleaseGate with the reason
sent to the tester, the corrected one is shown to 李四 on an approval card that opens the
request's page (saying it is decided in WeCom's 审批 app) and runs, a callback WeCom drops is
found by the
reconcile, a scheduled release fires on time beside a failing one, and everyone's WeCom
has a message for each outcome (the group robot too)."""

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
    return tmp_path_factory.mktemp("demo-wecom")


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> subprocess.CompletedProcess[str]:
    # A DingTalk setting of the caller's must not turn DingTalk on beside WeCom.
    env = {"DINGTALK_APP_KEY": "dingcallersappkey"}
    return releasegate("demo", "--platform", "wecom", env=env, data_dir=demo_dir, timeout=240)


def test_the_demo_completes_and_exits_0(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo complete" in demo.stdout
    assert "DingTalk" not in demo.stdout


def test_the_picker_pages_offer_the_catalog(demo: subprocess.CompletedProcess[str]) -> None:
    assert "项目名称: 商城 (mall) | 运维平台 (ops) | 支付中心 (payment)" in demo.stdout
    assert "订单服务 (mall/order-service)" in demo.stdout
    assert "each page signed for WeCom's JS-SDK (agentConfig:ok)" in demo.stdout


def test_a_request_that_breaks_a_rule_is_refused_with_the_reason(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "#1 RECEIVED → REJECTED: 有数据库变更且尚未完成" in lines
    assert re.search(r"#2 [A-Z_]+ → SUCCEEDED: build #1 ended SUCCESS", lines)
    assert "the reconcile reads the template's applications" in lines
    assert "it arrived by: reconcile" in lines
    assert "#4 fired on time: planned " in lines
    assert re.search(r"#5 RUNNING → FAILED", lines)


def test_lisi_gets_a_card_that_opens_the_request(
    demo: subprocess.CompletedProcess[str],
) -> None:
    lines = demo.stdout
    assert "李四 (lisi) gets a card in WeCom: 待你审批：mall/order-service" in lines
    assert "参数：首次发布，无从比较" in lines and "数据库：有（已执行）" in lines
    assert re.search(
        r"tapped, it opens http://127\.0\.0\.1:\d+/requests/\d+/: “审批人在企业微信", lines
    )


def test_everyone_gets_a_message_for_each_outcome(demo: subprocess.CompletedProcess[str]) -> None:
    lines = demo.stdout
    for person in ("张三 (zhangsan)", "李四 (lisi)", "王五 (wangwu)"):
        assert f"{person}'s WeCom: 10 app messages" in lines
    assert "发布被拒绝：mall/order-service #1" in lines
    assert "the release group's robot posted 10 messages" in lines


def test_the_ready_file_names_wecom(demo: subprocess.CompletedProcess[str], demo_dir: Path) -> None:
    ready = json.loads((demo_dir / "demo-ready.json").read_text(encoding="utf-8"))
    assert "wecom_url" in ready and "dingtalk_url" not in ready
    assert ready["users"][0]["wecom_user_id"] == "zhangsan"
    assert ready["releases"] == [1, 2, 3, 4, 5]
