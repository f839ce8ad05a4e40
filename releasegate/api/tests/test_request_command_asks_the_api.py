"""`releasegate request …` from another process, against ReleaseGate's running web
server, which starts the approval in the DingTalk simulator: all over real sockets."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from releasegate.api.tests.conftest import person
from releasegate.api.tokens import issue
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.cli import releasegate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]

ORDER = ("--project", "mall", "--application", "mall/order-service", "--release-type", "全量")


@pytest.fixture
def server(
    live_server: LiveServer,
    dingtalk: DingTalkSimulator,
    configure_dingtalk: Callable[[DingTalkSimulator], None],
) -> dict[str, str]:
    """The running ReleaseGate's address and Zhang San's token, as the command reads them."""
    configure_dingtalk(dingtalk)
    token = issue(person("zhangsan", "zhangsan"))
    return {"RELEASEGATE_URL": live_server.url, "RELEASEGATE_TOKEN": token}


def request(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return releasegate("request", *args, env=env, data_dir=tmp_path, timeout=30)


def test_it_prints_the_approval_instance_it_started(
    server: dict[str, str], tmp_path: Path, dingtalk_client: DingTalkClient
) -> None:
    result = request(server, tmp_path, *ORDER, "--param", "BRANCH=v3.8.0")

    assert result.returncode == 0, result.stderr
    instance = dingtalk_client.get_instance(result.stdout.strip())
    assert instance.originator_user_id == "zhangsan"
    form = {f.name: f.value for f in instance.form}
    assert (form["分支或标签"], form["是否有数据库变更"]) == ("v3.8.0", "否")


def test_a_pending_database_change_prints_the_problem_and_exits_1(
    server: dict[str, str], tmp_path: Path, dingtalk_sim: DingTalkControl
) -> None:
    result = request(server, tmp_path, *ORDER, "--db-change", "pending")

    assert result.returncode == 1
    assert "数据库变更" in result.stderr
    assert result.stdout == ""
    assert dingtalk_sim.instances() == []


def test_a_field_the_server_cannot_read_is_named(server: dict[str, str], tmp_path: Path) -> None:
    result = request(server, tmp_path, *ORDER, "--at", "next tuesday")

    assert result.returncode == 1
    assert "release_time:" in result.stderr


def test_the_url_and_token_may_be_given_as_options(server: dict[str, str], tmp_path: Path) -> None:
    url, token = server["RELEASEGATE_URL"], server["RELEASEGATE_TOKEN"]

    result = request({}, tmp_path, *ORDER, "--url", url, "--token", token)

    assert result.returncode == 0, result.stderr


def test_a_refused_token_is_said_and_never_printed(server: dict[str, str], tmp_path: Path) -> None:
    wrong = {**server, "RELEASEGATE_TOKEN": "f" * 40}

    result = request(wrong, tmp_path, *ORDER)

    assert result.returncode == 1
    assert "token was refused" in result.stderr
    assert "f" * 40 not in result.stderr + result.stdout


def test_an_unreachable_server_is_said(tmp_path: Path) -> None:
    env = {"RELEASEGATE_URL": "http://127.0.0.1:9", "RELEASEGATE_TOKEN": "t" * 40}

    result = request(env, tmp_path, *ORDER)

    assert result.returncode == 1
    assert "cannot reach http://127.0.0.1:9" in result.stderr


def test_a_parameter_without_a_value_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    env = {"RELEASEGATE_URL": "http://127.0.0.1:9", "RELEASEGATE_TOKEN": "t" * 40}

    result = request(env, tmp_path, *ORDER, "--param", "BRANCH")

    assert result.returncode == 2
    assert "'BRANCH' is not NAME=VALUE" in result.stderr
