"""A user's `job_permissions` replace its permissions on a job or folder, as a
project-based matrix with inheritance blocked does: building, cancelling and stopping
follow them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path, queue_id, trigger
from releasegate.simulators.jenkins.tests.conftest import Connect


@pytest.fixture
def deployer(start_jenkins: Callable[..., JenkinsSimulator], connect: Connect) -> httpx.Client:
    """May build and cancel everywhere except in payment, where it may only read."""
    jenkins = start_jenkins(
        quiet_period=5,
        users=[
            {
                "name": "deployer",
                "token": "deployer-token",
                "job_permissions": {"payment": ["read"]},
            }
        ],
    )
    return connect(jenkins, auth=("deployer", "deployer-token"))


def test_building_follows_the_job_permission(deployer: httpx.Client) -> None:
    refused = trigger(deployer, "payment/gateway")

    assert refused.status_code == 403
    assert refused.headers["X-Required-Permission"] == "hudson.model.Item.Build"
    assert trigger(deployer, "mall/web-frontend").status_code == 201


def test_the_job_stays_readable(deployer: httpx.Client) -> None:
    assert deployer.get(f"{job_path('payment/gateway')}api/json").status_code == 200


def test_cancelling_follows_the_job_permission(deployer: httpx.Client) -> None:
    item = queue_id(trigger(deployer, "mall/web-frontend"))

    assert deployer.post("queue/cancelItem", params={"id": item}).status_code == 204
