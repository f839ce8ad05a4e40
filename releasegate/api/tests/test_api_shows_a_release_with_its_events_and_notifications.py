"""`GET /api/releases/<id>`: the release, its whole audit trail and every message
sent about it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    """The order service's pipeline waits at an input step; the engine answers it."""
    rule = InputRule(job="mall/order-service", input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def test_it_shows_a_finished_release_from_approval_to_result(
    api: APIClient, harness: Harness
) -> None:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)

    answer = api.get(f"/api/releases/{release.pk}").json()

    assert answer["state"] == "SUCCEEDED"
    assert answer["approval_instance_id"] == "inst-1"
    assert answer["approved_parameters"]["TAG"] == "v3.7.2"
    assert answer["approver_user_ids"] == ["lisi", "wangwu"]
    assert answer["build_number"] == 1
    trail = [(event["kind"], event["to_state"]) for event in answer["events"]]
    assert trail[:2] == [("approver-decision", ""), ("approver-decision", "")]
    assert trail[2:] == harness.trail(release)
    assert trail[-1] == ("state", "SUCCEEDED")
    assert [n["kind"] for n in answer["notifications"]] == ["started", "finished"]
    finished = answer["notifications"][1]
    assert finished["recipients"] == ["zhangsan", "lisi", "wangwu"]
    assert finished["title"] and finished["markdown"]


def test_a_release_that_does_not_exist_is_a_404(api: APIClient) -> None:
    assert api.get("/api/releases/999999").status_code == 404
