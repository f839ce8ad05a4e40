from __future__ import annotations

import httpx
import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.integrations.jenkins.errors import (
    InvalidRequest,
    JenkinsUnavailable,
    JobNotBuildable,
    NotFound,
    TriggerRefused,
    UnexpectedResponse,
)
from releasegate.lib.http import Timeouts
from releasegate.simulators.jenkins.control import SimulatorControl


def test_it_raises_job_not_buildable_for_a_disabled_job(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    with pytest.raises(JobNotBuildable) as raised:
        client.trigger("mall/legacy-admin", {"BRANCH": "master"})

    assert (raised.value.status, raised.value.permanent) == (409, True)
    assert "mall/legacy-admin is not buildable" in str(raised.value)
    assert sim.queue() == []


def test_it_raises_not_found_for_an_unknown_job(client: JenkinsClient) -> None:
    with pytest.raises(NotFound) as raised:
        client.trigger("mall/no-such-job", {"BRANCH": "master"})

    assert (raised.value.status, raised.value.permanent) == (404, True)


def test_it_raises_a_permanent_invalid_request_for_an_illegal_choice(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        client.trigger("mall/web-frontend", {"BRANCH": "gh-pages"})

    # Jenkins answers 500 for the IllegalArgumentException; retrying cannot help.
    assert (raised.value.status, raised.value.permanent) == (500, True)
    assert "Illegal choice for parameter BRANCH: gh-pages" in str(raised.value)
    assert sim.queue() == []


def test_it_raises_invalid_request_for_parameters_to_a_job_without_any(
    client: JenkinsClient,
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        client.trigger("ops/nightly-backup", {"NOTE": "x"})

    assert (raised.value.status, raised.value.permanent) == (400, True)
    assert "ops/nightly-backup is not parameterized" in str(raised.value)


def test_it_raises_a_transient_error_when_jenkins_answers_5xx(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    sim.set_faults(error_rate=1)

    with pytest.raises(JenkinsUnavailable) as raised:
        client.trigger("mall/web-frontend", {"ENV": "prod"})

    assert (raised.value.status, raised.value.permanent) == (503, False)


def answering(response: httpx.Response) -> JenkinsClient:
    return JenkinsClient(
        "http://jenkins.example.com/",
        ApiTokenAuth("releasegate", "releasegate-demo-token"),
        timeouts=Timeouts.uniform(1),
        transport=httpx.MockTransport(lambda request: response),
    )


def test_it_raises_trigger_refused_when_jenkins_redirects_to_the_job_page() -> None:
    # A QueueDecisionHandler that refuses the build makes Jenkins redirect to ".".
    refused = httpx.Response(302, headers={"Location": "http://jenkins.example.com/job/a/"})

    with answering(refused) as client, pytest.raises(TriggerRefused) as raised:
        client.trigger("a", {"X": "1"})

    assert (raised.value.status, raised.value.permanent) == (302, True)


def test_it_raises_unexpected_response_without_a_queue_location() -> None:
    with answering(httpx.Response(201)) as client, pytest.raises(UnexpectedResponse):
        client.trigger("a", {"X": "1"})
