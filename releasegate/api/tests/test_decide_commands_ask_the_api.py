"""`releasegate approve ID` and `releasegate refuse ID --reason …` from another process,
against ReleaseGate's running web server: the decision is taken as the token's user,
exactly as on the dashboard, and the command says where the approval then stands or why
it was not taken. All over real sockets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from releasegate.api.tests.conftest import person
from releasegate.api.tokens import issue
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import LocalApproval, LocalDecision
from releasegate.tests.cli import releasegate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]


@pytest.fixture
def asked() -> str:
    request = ReleaseRequest(project="mall", application="mall/order-service")
    return registry.for_requests().source.start("zhangsan", request)


def as_person(live_server: LiveServer, login: str) -> dict[str, str]:
    """The running ReleaseGate's address and `login`'s token, as the commands read them."""
    token = issue(person(login))
    return {"RELEASEGATE_URL": live_server.url, "RELEASEGATE_TOKEN": token}


def run(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return releasegate(*args, env=env, data_dir=tmp_path, timeout=30)


def test_approve_takes_the_decision_and_says_where_it_stands(
    live_server: LiveServer, tmp_path: Path, asked: str
) -> None:
    lisi = as_person(live_server, "lisi")

    result = run(lisi, tmp_path, "approve", asked, "--reason", "看过了")

    assert result.returncode == 0, result.stderr
    assert f"approval {asked}: your decision is in (1 of 2 approvals so far)" in result.stdout
    assert LocalDecision.objects.get().remark == "看过了"
    wangwu = as_person(live_server, "wangwu")
    result = run(wangwu, tmp_path, "approve", asked)
    assert f"approval {asked} is approved (2 of 2)" in result.stdout
    assert LocalApproval.objects.get().status == "approved"


def test_refuse_needs_a_reason_and_tells_the_person_who_asked(
    live_server: LiveServer, tmp_path: Path, asked: str
) -> None:
    lisi = as_person(live_server, "lisi")

    without = run(lisi, tmp_path, "refuse", asked)
    result = run(lisi, tmp_path, "refuse", asked, "--reason", "今天封网")

    assert without.returncode == 2
    assert "--reason" in without.stderr
    assert result.returncode == 0, result.stderr
    assert f"approval {asked} is refused; zhangsan is told" in result.stdout
    assert LocalApproval.objects.get().status == "refused"


def test_a_refusal_of_the_decision_is_printed_and_exits_1(
    live_server: LiveServer, tmp_path: Path, asked: str
) -> None:
    zhangsan = as_person(live_server, "zhangsan")

    own = run(zhangsan, tmp_path, "approve", asked)
    missing = run(zhangsan, tmp_path, "approve", "999")

    assert own.returncode == 1
    assert "申请人不能审批自己的发布申请" in own.stderr
    assert own.stdout == ""
    assert missing.returncode == 1
    assert "没有这个审批" in missing.stderr
    assert not LocalDecision.objects.exists()


def test_without_a_server_it_says_what_to_set(tmp_path: Path) -> None:
    result = run({}, tmp_path, "approve", "1")

    assert result.returncode == 2
    assert "RELEASEGATE_URL and RELEASEGATE_TOKEN" in result.stderr
