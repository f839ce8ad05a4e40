"""Whatever a job name or a parameter holds (`..`, `%2F`, `?`, `#`, NUL, odd Unicode), the
simulated Jenkins sees a request for exactly that job, or none: a name cannot walk to
another job or add to the query, and a parameter travels in the form body only. The
paths are the ones the simulator received, read from its request log."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.lib.http import OutboundError
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.hostile_json import odd_text

JOBS = {
    "folders": [{"path": "team"}, {"path": "ops"}],
    "jobs": [
        {
            "path": "team/web",
            "parameters": [{"name": "TAG", "default": "v1"}, {"name": "NOTE", "default": ""}],
        },
        {"path": "ops/nightly-backup", "kind": "freestyle"},
    ],
}
TRICKS = [
    "team/../ops/nightly-backup",
    "team/web/../../ops/nightly-backup",
    "../ops/nightly-backup",
    "team/%2e%2e/ops/nightly-backup",
    "team%2F..%2Fops%2Fnightly-backup",
    "team/web%2F..%2F..%2Fops%2Fnightly-backup",
    "team/web/build?token=x#",
    "team/web\x00/../ops",
    "ops/nightly-backup/",
    "/ops/nightly-backup",
    "team/．．/ops/nightly-backup",
    "team\\..\\ops\\nightly-backup",
]
REQUEST_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/1\.[01]"')


def seen(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """(method, request target) of every request the simulator logged, in order."""
    lines = [
        REQUEST_LINE.search(record.getMessage())
        for record in caplog.records
        if record.name == "releasegate.simulators.jenkins"
    ]
    return [(line["method"], line["target"]) for line in lines if line]


@pytest.fixture
def jobs(start_jenkins: Callable[..., JenkinsSimulator]) -> JenkinsSimulator:
    return start_jenkins(JOBS)


def names() -> st.SearchStrategy[str]:
    segment = st.one_of(st.sampled_from(["team", "web", "..", ".", "%2F", "%2e%2e"]), odd_text())
    joined = st.lists(segment, min_size=1, max_size=4).map("/".join)
    return st.one_of(st.sampled_from(TRICKS), joined)


def test_no_job_name_reaches_a_path_other_than_its_own(
    jobs: JenkinsSimulator,
    connect: ConnectClient,
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="releasegate.simulators.jenkins")
    client, sim = connect(jobs), control_of(jobs)

    @given(full_name=names())
    def check(full_name: str) -> None:
        caplog.clear()
        try:
            client.trigger(full_name, None)
        except ValueError:
            assert seen(caplog) == []
            return
        except OutboundError:
            pass  # 404: Jenkins has no job of that name
        [(method, target)] = seen(caplog)
        path, _, query = target.partition("?")
        assert (method, query) == ("POST", "delay=0sec")
        parts = path.split("/")
        assert parts[0] == "" and parts[-1] == "build"
        assert parts[1:-1:2] == ["job"] * len(full_name.split("/"))
        assert [unquote(part) for part in parts[2:-1:2]] == full_name.split("/")
        assert sim.builds("ops/nightly-backup") == []

    check()


@pytest.mark.parametrize("full_name", TRICKS)
def test_a_name_that_tries_to_walk_never_builds_another_job(
    jobs: JenkinsSimulator,
    connect: ConnectClient,
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    full_name: str,
) -> None:
    with pytest.raises((ValueError, OutboundError)):
        connect(jobs).trigger(full_name, None)

    assert control_of(jobs).builds() == []


def test_parameters_travel_in_the_body_exactly_as_given(
    jobs: JenkinsSimulator,
    connect: ConnectClient,
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="releasegate.simulators.jenkins")
    values = {"TAG": "v1&delay=3600sec&token=x#/../../ops", "NOTE": "?a=/%2F..\n第二行"}

    connect(jobs).trigger("team/web", values)

    assert seen(caplog)[0] == ("POST", "/job/team/job/web/buildWithParameters?delay=0sec")
    [build] = control_of(jobs).builds()
    assert (build["job"], build["parameters"]) == ("team/web", values)
