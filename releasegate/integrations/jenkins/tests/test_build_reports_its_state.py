from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.errors import NotFound
from releasegate.integrations.jenkins.models import BuildResult, Cause
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"
STARTED_BY_US = Cause(
    jenkins_class="hudson.model.Cause$UserIdCause",
    description="Started by user releasegate",
    user_id="releasegate",
)


def test_it_reports_a_running_build(client: JenkinsClient, sim: SimulatorControl) -> None:
    started_ms = sim.now_ms()
    triggered = client.trigger(WEB, {"BRANCH": "release/2026.11"})

    build = client.build(WEB, 1)

    assert build.number == 1
    assert build.url.endswith("/job/mall/job/web-frontend/1/")
    assert (build.building, build.result, build.duration_ms) == (True, None, 0)
    assert started_ms <= build.timestamp_ms <= sim.now_ms()
    assert build.queue_id == triggered.queue_id
    assert build.parameters == {"BRANCH": "release/2026.11", "ENV": "prod", "RELEASE_TYPE": "全量"}
    assert build.causes == (STARTED_BY_US,)
    assert build.waiting_for_input is False


def test_it_reports_a_finished_build_with_its_result_and_duration(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, {"ENV": "prod"})
    started = client.build(WEB, 1)

    sim.advance(3)  # web-frontend runs for 3 seconds

    build = client.build(WEB, 1)
    assert (build.building, build.result) == (False, BuildResult.SUCCESS)
    assert build.duration_ms == pytest.approx(3000, abs=50)
    assert build.timestamp_ms == started.timestamp_ms


def test_it_reports_a_failed_build(client: JenkinsClient, sim: SimulatorControl) -> None:
    client.trigger("mall/inventory-service", {"BRANCH": "develop"})
    sim.advance(2)

    assert client.build("mall/inventory-service", 1).result is BuildResult.FAILURE


def test_it_lists_builds_newest_first(client: JenkinsClient, sim: SimulatorControl) -> None:
    client.trigger(WEB, {"ENV": "prod"})
    sim.advance(3)
    client.trigger(WEB, {"ENV": "staging"})

    builds = client.builds(WEB)

    assert [(b.number, b.parameters["ENV"], b.building) for b in builds] == [
        (2, "staging", True),
        (1, "prod", False),
    ]


def test_it_lists_no_builds_for_a_job_never_run(client: JenkinsClient) -> None:
    assert client.builds("ops/nightly-backup") == []


def test_it_reports_a_password_parameter_without_its_value(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger("payment/settlement-batch", {"VERSION": "1.2.0", "DB_PASSWORD": "pw-in-flight"})

    build = client.build("payment/settlement-batch", 1)

    assert build.parameters == {"VERSION": "1.2.0", "DB_PASSWORD": None}
    assert sim.builds("payment/settlement-batch")[0]["parameters"]["DB_PASSWORD"] == "pw-in-flight"


def test_it_raises_not_found_for_a_build_that_never_ran(client: JenkinsClient) -> None:
    with pytest.raises(NotFound) as raised:
        client.build(WEB, 7)

    assert raised.value.permanent
    assert "build mall/web-frontend #7" in str(raised.value)
