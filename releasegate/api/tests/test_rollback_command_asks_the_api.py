"""`releasegate rollback APP` from another process, against ReleaseGate's running web
server, which starts the rollback in ReleaseGate's own approvals: all over real sockets."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from releasegate.api.tests.conftest import person
from releasegate.api.tokens import issue
from releasegate.releases.models import LocalApproval, ReleaseState, RollbackRequest
from releasegate.tests.cli import releasegate
from releasegate.web.tests.ran import ran

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]


@pytest.fixture
def server(live_server: LiveServer) -> dict[str, str]:
    """The running ReleaseGate's address and Zhang San's token, as the command reads them."""
    token = issue(person("zhangsan"))
    return {"RELEASEGATE_URL": live_server.url, "RELEASEGATE_TOKEN": token}


def rollback(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return releasegate("rollback", *args, env=env, data_dir=tmp_path, timeout=30)


def test_it_prints_the_approval_of_the_rollback(server: dict[str, str], tmp_path: Path) -> None:
    now = timezone.now()
    good = ran("good", "v3.7.2", ReleaseState.SUCCEEDED, at=now - timedelta(hours=2))
    bad = ran("bad", "v3.8.0", ReleaseState.FAILED, at=now - timedelta(hours=1))

    result = rollback(server, tmp_path, "mall/order-service", "--reason", "checkout broken")

    assert result.returncode == 0, result.stderr
    approval = LocalApproval.objects.get(pk=int(result.stdout.strip()))
    assert dict(approval.form)["分支或标签"] == "v3.7.2"
    assert f"rollback of release {bad.pk} to the parameters of release {good.pk}" in (result.stderr)
    asked = RollbackRequest.objects.get()
    assert (asked.rollback_of, asked.rollback_to, asked.reason) == (bad, good, "checkout broken")


def test_nothing_to_roll_back_to_is_said_and_exits_1(
    server: dict[str, str], tmp_path: Path
) -> None:
    ran("bad", "v3.8.0", ReleaseState.FAILED, at=timezone.now() - timedelta(hours=1))

    result = rollback(server, tmp_path, "mall/order-service")

    assert result.returncode == 1
    assert "没有成功的发布" in result.stderr
    assert result.stdout == ""
    assert not LocalApproval.objects.exists()
