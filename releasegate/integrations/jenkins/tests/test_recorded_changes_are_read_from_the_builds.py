"""The commits in a job's builds, read in one request, for pipeline and freestyle jobs."""

from __future__ import annotations

from releasegate.integrations.jenkins.change_sets import Commit
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"
BATCH = "payment/settlement-batch"


def test_it_reads_each_builds_commits_newest_build_first(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    pushed_ms = sim.now_ms()
    first_id, second_id = sim.push_commits(
        WEB,
        {"message": "Fix the cart\n\nDetails below.", "author": "Li Lei"},
        {"message": "Add coupons", "author": "Han Meimei"},
    )
    client.trigger(WEB, {"ENV": "prod"})
    sim.advance(600)
    client.trigger(WEB, {"ENV": "staging"})
    sim.advance(600)
    before = client.request_count

    builds = client.recorded_changes(WEB, builds=5)

    assert client.request_count == before + 1
    assert [(b.number, b.result) for b in builds] == [(2, "SUCCESS"), (1, "SUCCESS")]
    assert builds[0].commits == ()
    fix, coupons = builds[1].commits
    assert (fix.commit_id, fix.message, fix.author) == (first_id, "Fix the cart", "Li Lei")
    assert fix.timestamp_ms is not None and abs(fix.timestamp_ms - pushed_ms) < 1000
    assert coupons.commit_id == second_id


def test_it_reads_a_freestyle_builds_single_change_set(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    (commit_id,) = sim.push_commits(BATCH, {"message": "Settle at midnight", "author": "Wang"})
    client.trigger(BATCH, {})
    sim.advance(600)

    (build,) = client.recorded_changes(BATCH, builds=5)

    assert [c.commit_id for c in build.commits] == [commit_id]
    assert isinstance(build.commits[0], Commit)


def test_it_reads_no_more_builds_than_asked(client: JenkinsClient, sim: SimulatorControl) -> None:
    for env in ("prod", "staging", "prod"):
        client.trigger(WEB, {"ENV": env})
        sim.advance(600)

    builds = client.recorded_changes(WEB, builds=2)

    assert [b.number for b in builds] == [3, 2]
