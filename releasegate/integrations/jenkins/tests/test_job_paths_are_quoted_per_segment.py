"""Jenkins names are URL path segments: each is quoted on its own, and multibranch branch
names already hold `%2F`, which must travel as `%252F` (jenkinsapi #529, PR #702)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.jenkins.client import job_path
from releasegate.integrations.jenkins.models import QueueState
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.server import JenkinsSimulator

ODD_NAMES = {
    "folders": [{"path": "Team A"}, {"path": "shop", "kind": "multibranch"}],
    "jobs": [
        {"path": "Team A/web site", "kind": "freestyle"},
        {"path": "shop/release%2F1.0", "parameters": [{"name": "TAG", "default": "v1"}]},
    ],
}


def test_it_quotes_a_space_in_a_folder_and_a_job_name(
    start_jenkins: Callable[..., JenkinsSimulator],
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    client = connect(start_jenkins(ODD_NAMES), transport=recording)

    triggered = client.trigger("Team A/web site", None)

    assert recording.paths() == ["POST /job/Team%20A/job/web%20site/build"]
    item = client.queue_item(triggered.queue_id)
    assert item is not None
    assert item.state is QueueState.STARTED
    assert client.build("Team A/web site", 1).queue_id == triggered.queue_id


def test_it_reaches_a_multibranch_branch_named_with_an_encoded_slash(
    start_jenkins: Callable[..., JenkinsSimulator],
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    client = connect(start_jenkins(ODD_NAMES), transport=recording)

    listed = {job.full_name for job in client.list_jobs().jobs}
    client.trigger("shop/release%2F1.0", {"TAG": "v2"})
    builds = client.builds("shop/release%2F1.0")

    assert "shop/release%2F1.0" in listed
    assert recording.paths()[1:] == [
        "POST /job/shop/job/release%252F1.0/buildWithParameters",
        "GET /job/shop/job/release%252F1.0/api/json",
    ]
    assert [(build.number, build.parameters) for build in builds] == [(1, {"TAG": "v2"})]


@pytest.mark.parametrize(
    ("full_name", "path"),
    [
        ("mall/web-frontend", "/job/mall/job/web-frontend"),
        ("Team A/web site", "/job/Team%20A/job/web%20site"),
        ("shop/release%2F1.0", "/job/shop/job/release%252F1.0"),
        ("c++/a+b?#", "/job/c%2B%2B/job/a%2Bb%3F%23"),
        ("商城/前端", "/job/%E5%95%86%E5%9F%8E/job/%E5%89%8D%E7%AB%AF"),
    ],
)
def test_it_quotes_each_segment_on_its_own(full_name: str, path: str) -> None:
    assert job_path(full_name) == path


@pytest.mark.parametrize(
    "full_name", ["..", "mall/../ops", ".", "mall/./x", "", "a//b", "/a", "a/"]
)
def test_it_refuses_a_name_that_would_walk_elsewhere(full_name: str) -> None:
    with pytest.raises(ValueError, match="not a Jenkins job name"):
        job_path(full_name)


def test_it_refuses_such_a_name_before_sending_anything(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    client = connect(jenkins, transport=recording)

    with pytest.raises(ValueError, match="not a Jenkins job name"):
        client.trigger("mall/../ops/nightly-backup", None)

    assert recording.sent == []
