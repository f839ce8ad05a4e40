"""A freeze stops a rollback like any release, unless `[releases] rollback_through_freeze`
lets rollbacks through: then the rollback is still approved like any other, and only
once approved does it run during the freeze. Other requests stay frozen either way."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from releasegate.api.tests.conftest import person, token_client
from releasegate.releases.models import InboundEvent, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.releases.tests.rollback_story import (  # noqa: F401
    APPLICATION,
    GOOD_TAG,
    engine_options,
    freeze_now,
    good_then_bad,
    work_local_approvals,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_approvals")]
ROLLBACK = {"application": APPLICATION, "reason": "v3.8.0 breaks checkout"}


@pytest.fixture
def frozen_after_a_bad_release(jenkins_of_harness: Harness) -> Harness:
    good_then_bad(jenkins_of_harness)
    work_local_approvals(jenkins_of_harness)
    return jenkins_of_harness


def approve(instance_id: str, *approvers: str) -> None:
    for approver in approvers:
        answer = token_client(person(approver)).post(
            f"/api/approvals/{instance_id}/approve", {}, format="json"
        )
        assert answer.status_code == 200, answer.content


def test_without_the_option_the_freeze_refuses_the_rollback(
    api: APIClient, frozen_after_a_bad_release: Harness, settings: Settings
) -> None:
    freeze_now(frozen_after_a_bad_release, settings, rollback_through=False)

    response = api.post("/api/rollbacks", ROLLBACK, format="json")

    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert "封网" in problem and "双十二封网" in problem
    assert not InboundEvent.objects.filter(via="request").exists()


def test_with_the_option_the_approved_rollback_runs_in_the_freeze(
    api: APIClient, frozen_after_a_bad_release: Harness, settings: Settings
) -> None:
    harness = frozen_after_a_bad_release
    freeze_now(harness, settings, rollback_through=True)

    response = api.post("/api/rollbacks", ROLLBACK, format="json")

    assert response.status_code == 201, response.content
    instance_id = response.json()["approval_instance_id"]
    approve(instance_id, "lisi")
    harness.run(passes=5, seconds=5)
    assert not Release.objects.filter(is_rollback=True).exists()
    assert len(harness.sim.builds(APPLICATION)) == 2
    approve(instance_id, "wangwu")
    harness.until(lambda: Release.objects.filter(is_rollback=True, state="SUCCEEDED").exists())
    assert harness.sim.builds(APPLICATION)[-1]["parameters"]["TAG"] == GOOD_TAG


def test_with_the_option_other_requests_stay_frozen(
    api: APIClient, frozen_after_a_bad_release: Harness, settings: Settings
) -> None:
    freeze_now(frozen_after_a_bad_release, settings, rollback_through=True)
    order = {"project": "mall", "application": APPLICATION, "parameters": {"TAG": GOOD_TAG}}

    response = api.post("/api/requests", order, format="json")

    assert response.status_code == 400
    assert "双十二封网" in response.json()["problems"][0]


def test_a_freeze_that_began_after_the_request_stops_it_without_the_option(
    api: APIClient, frozen_after_a_bad_release: Harness, settings: Settings
) -> None:
    harness = frozen_after_a_bad_release
    response = api.post("/api/rollbacks", ROLLBACK, format="json")
    assert response.status_code == 201, response.content
    freeze_now(harness, settings, rollback_through=False)

    approve(response.json()["approval_instance_id"], "lisi", "wangwu")
    harness.until(lambda: Release.objects.filter(is_rollback=True).exists())
    rollback = Release.objects.get(is_rollback=True)
    harness.until(lambda: harness.state(rollback) == ReleaseState.REJECTED)

    assert "双十二封网" in rollback.reason
    assert len(harness.sim.builds(APPLICATION)) == 2
