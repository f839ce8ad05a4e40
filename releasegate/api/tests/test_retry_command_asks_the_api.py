"""`releasegate retry ID` from another process, against ReleaseGate's running web server:
the release that ended in ERROR is retried as the token's user, and it builds once; a
refusal is printed with its reason (exit 1). All over real sockets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from releasegate.api.tests.conftest import person
from releasegate.api.tokens import issue
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.tests.cli import releasegate

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState


def as_person(live_server: LiveServer, login: str, *permissions: str) -> dict[str, str]:
    """The running ReleaseGate's address and `login`'s token, as the command reads them."""
    token = issue(person(login, "", *permissions))
    return {"RELEASEGATE_URL": live_server.url, "RELEASEGATE_TOKEN": token}


def run(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return releasegate(*args, env=env, data_dir=tmp_path, timeout=30)


@pytest.fixture
def in_error(harness_platform: Harness) -> Release:
    """A release Jenkins refused to build (a revoked token); the token then fixed."""
    harness = harness_platform
    fixed = harness.context.jenkins
    harness.context.jenkins = harness.client(token="revoked-token")
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.ERROR)
    harness.context.jenkins = fixed
    return release


def test_retry_takes_the_release_up_again_and_it_builds_once(
    live_server: LiveServer, tmp_path: Path, harness_platform: Harness, in_error: Release
) -> None:
    wangwu = as_person(live_server, "wangwu", "change_release")

    result = run(wangwu, tmp_path, "retry", str(in_error.pk), "--reason", "token renewed")

    assert result.returncode == 0, result.stderr
    assert f"release {in_error.pk} retried: Jenkins is searched" in result.stdout
    back = in_error.events.get(from_state=S.ERROR)
    assert (back.actor, back.reason) == ("api:wangwu", "retried by api:wangwu: token renewed")
    harness_platform.until(lambda: harness_platform.state(in_error) == S.SUCCEEDED)
    assert len(harness_platform.sim.builds()) == 1


def test_a_refusal_is_printed_with_its_reason_and_exits_1(
    live_server: LiveServer, tmp_path: Path, harness_platform: Harness, in_error: Release
) -> None:
    wangwu = as_person(live_server, "wangwu", "change_release")
    zhangsan = as_person(live_server, "zhangsan")
    run(wangwu, tmp_path, "retry", str(in_error.pk))

    again = run(wangwu, tmp_path, "retry", str(in_error.pk))
    not_allowed = run(zhangsan, tmp_path, "retry", str(in_error.pk))
    missing = run(wangwu, tmp_path, "retry", "999999")

    assert (again.returncode, again.stdout) == (1, "")
    assert "只有以 ERROR 结束的发布可以重试" in again.stderr
    assert not_allowed.returncode == 1
    assert "releases.change_release" in not_allowed.stderr
    assert (missing.returncode, missing.stderr.strip()) == (1, "✗ there is no release 999999")
