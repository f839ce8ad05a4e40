from __future__ import annotations

from pathlib import Path

from releasegate.tests.cli import releasegate


def test_the_demo_syncs_the_simulated_jenkins_and_prints_the_catalog(tmp_path: Path) -> None:
    result = releasegate("demo", env={}, data_dir=tmp_path, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "synced 8 jobs" in result.stdout
    assert "支付网关" in result.stdout
    assert "demo complete" in result.stdout
    assert (tmp_path / "releasegate.sqlite3").exists()
