"""Who may answer an input: its `submitter` list, admins, or Job/Build and Job/Cancel."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path
from releasegate.simulators.jenkins.tests.conftest import Connect

MESSAGE = "Ship it?"
USERS = [
    {"name": "releasegate", "token": "t-releasegate"},
    {"name": "alice", "token": "t-alice", "permissions": ["read"]},
    {"name": "carol", "token": "t-carol", "permissions": ["read"]},
    {"name": "root", "token": "t-root", "permissions": ["admin"]},
]

Users = Callable[[str], httpx.Client]


def scenario(submitter: str) -> dict[str, Any]:
    step = {"id": "ship", "message": MESSAGE, "submitter": submitter}
    job = {"path": "ship", "stages": ["Deploy"], "input": step}
    return {"quiet_period": 0, "users": USERS, "jobs": [job]}


@pytest.fixture
def waiting_input(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> Callable[[str], Users]:
    """`waiting_input(submitter)(user)`: a client for `user` on a Jenkins whose `ship`
    build #1 waits at input `Ship`, restricted to `submitter`."""

    def start(submitter: str) -> Users:
        jenkins = start_jenkins(scenario(submitter))
        assert (
            connect(jenkins, auth=("releasegate", "t-releasegate"))
            .post(f"{job_path('ship')}build")
            .status_code
            == 201
        )
        return lambda user: connect(jenkins, auth=(user, f"t-{user}"))

    return start


def post(client: httpx.Client, action: str) -> httpx.Response:
    return client.post(f"{job_path('ship')}1/input/Ship/{action}")


def test_it_lets_a_listed_submitter_proceed_whatever_the_case(
    waiting_input: Callable[[str], Users],
) -> None:
    as_user = waiting_input("Alice, ops-lead")

    assert post(as_user("alice"), "proceedEmpty").status_code == 200


def test_it_refuses_a_user_not_listed_even_with_build_permission(
    waiting_input: Callable[[str], Users],
) -> None:
    as_user = waiting_input("Alice, ops-lead")

    response = post(as_user("releasegate"), "proceedEmpty")

    assert response.status_code == 400
    assert "You need to be Alice, ops-lead to submit this." in response.text


def test_it_lets_an_administrator_answer_any_input(waiting_input: Callable[[str], Users]) -> None:
    as_user = waiting_input("alice")

    assert post(as_user("root"), "proceedEmpty").status_code == 200


def test_it_lets_anyone_with_cancel_permission_abort(waiting_input: Callable[[str], Users]) -> None:
    as_user = waiting_input("alice")

    assert post(as_user("releasegate"), "abort").status_code == 200


def test_it_refuses_an_abort_from_someone_neither_listed_nor_allowed_to_cancel(
    waiting_input: Callable[[str], Users],
) -> None:
    as_user = waiting_input("alice")

    response = post(as_user("carol"), "abort")

    assert response.status_code == 400
    message = "You need to be 'alice' (or have Job/Cancel permissions) to cancel this."
    assert message in html.unescape(response.text)


def test_it_wants_build_permission_when_no_submitter_is_named(
    waiting_input: Callable[[str], Users],
) -> None:
    as_user = waiting_input("")

    refused = post(as_user("carol"), "proceedEmpty")
    refused_abort = post(as_user("carol"), "abort")

    assert refused.status_code == refused_abort.status_code == 400
    assert "You need to have Job/Build permissions to submit this." in refused.text
    assert "You need to have Job/Cancel permissions to cancel this." in refused_abort.text
    assert post(as_user("releasegate"), "proceedEmpty").status_code == 200
