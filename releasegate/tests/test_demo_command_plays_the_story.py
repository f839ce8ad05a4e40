from __future__ import annotations

from pathlib import Path

from releasegate.tests.cli import releasegate


def test_the_demo_plays_the_story_from_the_catalog_to_a_received_release(
    tmp_path: Path,
) -> None:
    result = releasegate("demo", env={}, data_dir=tmp_path, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout
    assert "synced 8 jobs" in lines
    assert "支付网关" in lines
    assert "项目名称: 商城 (mall) | 运维平台 (ops) | 支付中心 (payment)" in lines
    assert "blocked at submit" in lines
    assert "有数据库变更且尚未完成" in lines
    assert "李四 (lisi) approves" in lines
    assert "ReleaseGate received release #1: mall/order-service" in lines
    assert "{'TAG': 'v3.7.2', 'RELEASE_TYPE': '灰度'}" in lines
    assert "the pipeline's input step answered with" in lines
    assert "RUNNING → SUCCEEDED: build #1 ended SUCCESS" in lines
    assert "发布结束：mall/order-service #1" in lines
    assert "demo complete" in lines
    assert "login admin / " in lines
    assert (tmp_path / "releasegate.sqlite3").exists()
