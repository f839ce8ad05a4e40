"""A job or folder the caller lacks Job/Read on does not exist for them: 404 at its URLs
and absent from listings (ItemGroup.getItem / getItems filter by Item.READ)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path, trigger
from releasegate.simulators.jenkins.tests.conftest import Connect

DEPLOYER = ("deployer", "deployer-token")


@pytest.fixture
def deployer(start_jenkins: Callable[..., JenkinsSimulator], connect: Connect) -> httpx.Client:
    """May do everything, except see mall/order-service and anything in ops."""
    jenkins = start_jenkins(
        users=[
            {
                "name": DEPLOYER[0],
                "token": DEPLOYER[1],
                "job_permissions": {"mall/order-service": [], "ops": []},
            }
        ]
    )
    return connect(jenkins, auth=DEPLOYER)


@pytest.mark.parametrize(
    "path", ["api/json", "contextMenu", "buildWithParameters", "1/api/json", ""]
)
def test_its_urls_answer_404(deployer: httpx.Client, path: str) -> None:
    response = deployer.request(
        "POST" if path == "buildWithParameters" else "GET",
        f"{job_path('mall/order-service')}{path}",
    )

    assert response.status_code == 404


def test_a_hidden_folder_hides_its_jobs(deployer: httpx.Client) -> None:
    assert deployer.get(f"{job_path('ops/nightly-backup')}api/json").status_code == 404
    assert trigger(deployer, "ops/config-center").status_code == 404


def test_listings_leave_it_out(deployer: httpx.Client) -> None:
    root = deployer.get("api/json", params={"tree": "jobs[name]"}).json()
    mall = deployer.get(f"{job_path('mall')}api/json", params={"tree": "jobs[name]"}).json()

    assert "ops" not in [job["name"] for job in root["jobs"]]
    assert "order-service" not in [job["name"] for job in mall["jobs"]]
    assert "web-frontend" in [job["name"] for job in mall["jobs"]]


def test_the_other_jobs_stay_readable(deployer: httpx.Client) -> None:
    assert deployer.get(f"{job_path('mall/web-frontend')}api/json").status_code == 200
