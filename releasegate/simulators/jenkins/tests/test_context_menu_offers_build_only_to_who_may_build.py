"""`job/X/contextMenu`: the side panel's tasks as JSON; the Build task only for a caller
with Job/Build on a buildable job (configurable.jelly, task.jelly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import VIEWER, job_path
from releasegate.simulators.jenkins.tests.conftest import Connect


def menu(client: httpx.Client, full_name: str) -> list[dict[str, Any]]:
    response = client.get(f"{job_path(full_name)}contextMenu")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def titles(items: list[dict[str, Any]]) -> list[str]:
    return [item["displayName"] for item in items]


def test_it_offers_build_with_parameters_to_a_user_who_may_build(api: httpx.Client) -> None:
    items = menu(api, "mall/order-service")

    [build] = [item for item in items if item["displayName"] == "Build with Parameters"]
    assert build["url"] == "/job/mall/job/order-service/build?delay=0sec"
    assert build["post"] is False


def test_it_offers_build_now_as_a_post_for_a_job_without_parameters(api: httpx.Client) -> None:
    [build] = [item for item in menu(api, "ops/nightly-backup") if "Build" in item["displayName"]]

    assert build["displayName"] == "Build Now"
    assert build["post"] is True


def test_it_offers_no_build_to_a_user_who_may_only_read(
    jenkins: JenkinsSimulator, connect: Connect
) -> None:
    items = menu(connect(jenkins, auth=VIEWER), "mall/order-service")

    assert "Changes" in titles(items)
    assert not [item for item in items if "/build?" in item["url"]]


def test_it_offers_no_build_on_a_disabled_job(api: httpx.Client) -> None:
    items = menu(api, "mall/legacy-admin")

    assert not [item for item in items if "/build?" in item["url"]]


def test_it_follows_permissions_granted_on_one_job(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    jenkins = start_jenkins(
        users=[
            {
                "name": "deployer",
                "token": "deployer-token",
                "job_permissions": {"payment": ["read"]},
            }
        ]
    )
    client = connect(jenkins, auth=("deployer", "deployer-token"))

    assert "Build with Parameters" in titles(menu(client, "mall/order-service"))
    assert "Build with Parameters" not in titles(menu(client, "payment/gateway"))


def test_its_urls_carry_the_context_path(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")

    urls = [item["url"] for item in menu(connect(jenkins), "mall/order-service")]

    assert "/jenkins/job/mall/job/order-service/build?delay=0sec" in urls


def test_looking_at_it_starts_no_build(api: httpx.Client) -> None:
    menu(api, "mall/order-service")

    assert api.get("queue/api/json").json()["items"] == []
    assert api.get(f"{job_path('mall/order-service')}api/json").json()["lastBuild"] is None
