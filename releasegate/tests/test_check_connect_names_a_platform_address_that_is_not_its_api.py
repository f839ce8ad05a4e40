"""`releasegate check --connect` tells an approval platform's address where nothing
answers from one where something answers that is not the platform's API (a wrong path)."""

from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.cli import releasegate


def problems(env: dict[str, str], data_dir: Path) -> list[str]:
    result = releasegate("check", "--connect", env=env, data_dir=data_dir)
    assert result.returncode == 1
    return [line[2:] for line in result.stdout.splitlines() if line.startswith("✗ DINGTALK_")]


def test_a_wrong_path_is_named_as_not_the_api(dingtalk: DingTalkSimulator, tmp_path: Path) -> None:
    env = {**DEMO_DINGTALK, "DINGTALK_API_BASE": f"{dingtalk.url}wrong/"}
    env["DINGTALK_OAPI_BASE"] = dingtalk.url

    [line] = problems(env, tmp_path)

    assert line.startswith("DINGTALK_API_BASE: answers, but not as dingtalk's API (")
    assert line.endswith("); is the address right?")


def test_a_closed_port_is_named_as_unreachable(tmp_path: Path) -> None:
    env = {**DEMO_DINGTALK, "DINGTALK_API_BASE": "http://127.0.0.1:9/"}
    env["DINGTALK_OAPI_BASE"] = "http://127.0.0.1:9/"

    [line] = problems(env, tmp_path)

    assert line.startswith("DINGTALK_API_BASE: dingtalk cannot be reached: ")
