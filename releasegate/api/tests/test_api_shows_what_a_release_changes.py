"""`GET /api/releases/<id>` has a `changes` object: the release's parameters beside the
application's last good release, and the commits Jenkins (the simulator, over the wire)
recorded in the builds after that release's build, up to the release's own."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db
ORDER = "mall/order-service"


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    """The order service's pipeline waits at an input step; the engine answers it."""
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def test_it_compares_a_release_with_the_last_good_one(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    harness = jenkins_of_harness
    harness.sim.push_commits(ORDER, {"message": "Old work", "author": "Li Lei"})
    good = harness.approve("inst-1")
    harness.until(lambda: harness.state(good) == ReleaseState.SUCCEEDED)
    (new_id,) = harness.sim.push_commits(
        ORDER, {"message": "Pay later\nwith details", "author": "Han Meimei"}
    )
    later = harness.approve("inst-2", form={"分支或标签": "v3.8.0"})
    harness.until(lambda: harness.state(later) == ReleaseState.SUCCEEDED)

    changes = api.get(f"/api/releases/{later.pk}").json()["changes"]

    assert changes["last_good"]["release_id"] == good.pk
    assert changes["last_good"]["build_number"] == 1
    rows = {row["name"]: row for row in changes["parameters"]}
    assert (rows["TAG"]["now"], rows["TAG"]["before"], rows["TAG"]["changed"]) == (
        "v3.8.0",
        "v3.7.2",
        True,
    )
    assert rows["RELEASE_TYPE"]["changed"] is False
    assert changes["commits_status"] == "listed"
    assert [(c["commit_id"], c["message"], c["author"]) for c in changes["commits"]] == [
        (new_id, "Pay later", "Han Meimei")
    ]
    assert (changes["more_commits"], changes["has_db_change"]) == (0, False)


def test_the_first_release_has_nothing_to_compare_with(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    release = jenkins_of_harness.approve("inst-1")

    changes = api.get(f"/api/releases/{release.pk}").json()["changes"]

    assert (changes["last_good"], changes["commits_status"]) == (None, "first_release")
    assert all(row["before"] is None and not row["changed"] for row in changes["parameters"])
