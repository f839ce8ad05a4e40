"""`job_access`: whether the user can see and build a job, read from the job's context
menu (and its `buildable` flag), never from build or buildWithParameters."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.jenkins.access import JobAccess
from releasegate.integrations.jenkins.client import ApiTokenAuth
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

DEPLOYER = ApiTokenAuth("deployer", "deployer-token")


@pytest.fixture
def jenkins(start_jenkins: Callable[..., JenkinsSimulator]) -> JenkinsSimulator:
    """The demo Jenkins with a deployer who may only read payment and not see ops."""
    deployer = {
        "name": DEPLOYER.user,
        "token": DEPLOYER.token,
        "job_permissions": {"payment": ["read"], "ops": []},
    }
    return start_jenkins(
        users=[{"name": "releasegate", "token": "releasegate-demo-token"}, deployer]
    )


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        ("mall/order-service", JobAccess.BUILDABLE),
        ("ops/nightly-backup", JobAccess.NOT_VISIBLE),
        ("payment/gateway", JobAccess.NOT_BUILDABLE_BY_USER),
        ("mall/legacy-admin", JobAccess.DISABLED),
        ("mall/no-such-job", JobAccess.NOT_VISIBLE),
    ],
)
def test_it_tells_what_the_user_can_do(
    jenkins: JenkinsSimulator, connect: ConnectClient, job: str, expected: JobAccess
) -> None:
    assert connect(jenkins, DEPLOYER).job_access(job) is expected


def test_it_only_reads(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    client = connect(jenkins, DEPLOYER, transport=recording)

    for job in ("mall/order-service", "payment/gateway", "mall/legacy-admin"):
        client.job_access(job)

    assert {request.method for request in recording.sent} == {"GET"}
    assert not [path for path in recording.paths() if path.endswith(("/build", "Parameters"))]
    control = SimulatorControl(jenkins.url)
    try:
        assert control.builds() == []
        assert control.queue() == []
    finally:
        control.close()


def test_a_buildable_job_costs_one_request(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    connect(jenkins, DEPLOYER, transport=recording).job_access("mall/order-service")

    assert recording.paths() == ["GET /job/mall/job/order-service/contextMenu"]
