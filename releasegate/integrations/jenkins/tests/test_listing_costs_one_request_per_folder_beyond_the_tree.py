"""One `tree=` request reaches `folder_levels` deep; a folder at the last level comes back
with bare `{"_class": ...}` children, and only such a folder costs one more request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

# Depths: a=1, a/b=2, a/x=2, a/empty=2, a/b/c=3, a/b/c/deep-job=4.
DEEP = {
    "folders": [{"path": "a/empty"}],
    "jobs": [
        {"path": "top-job"},
        {"path": "a/shallow-job"},
        {"path": "a/b/job-in-b"},
        {"path": "a/b/c/deep-job"},
        {"path": "a/x/job-in-x"},
    ],
}


def test_it_lists_the_demo_in_one_request(client: JenkinsClient, sim: SimulatorControl) -> None:
    sim.reset_requests()

    listing = client.list_jobs()

    assert listing.requests == 1
    assert sim.requests()["total"] == 1
    assert [folder.full_name for folder in listing.folders] == ["mall", "payment", "ops"]
    assert [job.full_name for job in listing.jobs] == [
        "mall/web-frontend",
        "mall/order-service",
        "mall/inventory-service",
        "mall/legacy-admin",
        "payment/gateway",
        "payment/settlement-batch",
        "ops/nightly-backup",
        "ops/config-center",
    ]


def test_it_asks_once_more_for_each_folder_at_the_last_level_with_children(
    start_jenkins: Callable[..., JenkinsSimulator],
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    simulator = start_jenkins(DEEP)

    listing = connect(simulator, folder_levels=2, transport=recording).list_jobs()

    # a/b and a/x sit at level 2 with children; a/empty has none to fetch.
    assert listing.requests == 3
    assert recording.paths() == [
        "GET /api/json",
        "GET /job/a/job/b/api/json",
        "GET /job/a/job/x/api/json",
    ]


def test_it_finds_the_same_jobs_however_deep_one_request_reaches(
    start_jenkins: Callable[..., JenkinsSimulator], connect: ConnectClient
) -> None:
    simulator = start_jenkins(DEEP)

    narrow = connect(simulator, folder_levels=1).list_jobs()
    wide = connect(simulator, folder_levels=5).list_jobs()

    assert wide.requests == 1
    assert narrow.requests == 5  # the root, a, a/b, a/x and a/b/c; a/empty is free
    assert set(narrow.jobs) == set(wide.jobs)
    assert set(narrow.folders) == set(wide.folders)
    assert {job.full_name for job in wide.jobs} == {job["path"] for job in DEEP["jobs"]}
    assert {folder.full_name for folder in wide.folders} == {
        "a",
        "a/empty",
        "a/b",
        "a/b/c",
        "a/x",
    }


def test_it_refuses_fewer_than_one_folder_level(jenkins: JenkinsSimulator) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        JenkinsClient(
            jenkins.url, ApiTokenAuth("releasegate", "releasegate-demo-token"), folder_levels=0
        )
