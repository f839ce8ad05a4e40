"""`POST /api/releases/<id>/cancel`: people allowed to cancel stop a release that has not
run yet (in Jenkins first when it is queued); a finished one answers 409 with why."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from releasegate.api.tests.conftest import person, token_client
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> APIClient:
    """Wang Wu, who may change releases (and so cancel them)."""
    return token_client(person("wangwu", "wangwu", "change_release"))


def scheduled(harness: Harness) -> Release:
    release = harness.approve(form={"发布时间": harness.release_time(2 * 3600)})
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED
    return release


def test_an_operator_cancels_a_scheduled_release(operator: APIClient, harness: Harness) -> None:
    release = scheduled(harness)

    response = operator.post(
        f"/api/releases/{release.pk}/cancel", {"reason": "窗口调整"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "CANCELLED"
    last = response.json()["events"][-1]
    assert (last["actor"], last["to_state"]) == ("api:wangwu", "CANCELLED")
    assert "窗口调整" in last["reason"]
    harness.tick(3 * 3600)
    harness.run(passes=3)
    assert harness.sim.builds() == []


def test_staff_may_cancel_without_the_permission(harness: Harness) -> None:
    staff = User.objects.create_user("ops", is_staff=True)
    release = scheduled(harness)

    response = token_client(staff).post(f"/api/releases/{release.pk}/cancel")

    assert response.status_code == 200
    assert harness.state(release) == ReleaseState.CANCELLED


def test_others_may_not_cancel(api: APIClient, harness: Harness) -> None:
    release = scheduled(harness)

    response = api.post(f"/api/releases/{release.pk}/cancel")

    assert response.status_code == 403
    assert "releases.change_release" in response.json()["detail"]
    assert harness.state(release) == ReleaseState.SCHEDULED


def test_a_queued_release_is_cancelled_in_jenkins_first(
    operator: APIClient, jenkins_of_harness: Harness
) -> None:
    harness = jenkins_of_harness
    # A build started by hand waits at its input step, so ours stays in the queue.
    harness.jenkins.trigger("mall/order-service", {"TAG": "v3.7.1"})
    harness.tick(1)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.QUEUED)

    response = operator.post(f"/api/releases/{release.pk}/cancel")

    assert response.status_code == 200, response.content
    mine = [item for item in harness.sim.queue() if item["parameters"]["TAG"] == "v3.7.2"]
    assert [item["cancelled"] for item in mine] == [True]


def test_a_finished_release_answers_409_with_the_reason(
    operator: APIClient, harness: Harness
) -> None:
    release = scheduled(harness)
    operator.post(f"/api/releases/{release.pk}/cancel")

    response = operator.post(f"/api/releases/{release.pk}/cancel")

    assert response.status_code == 409
    assert response.json()["state"] == "CANCELLED"
    assert "只有已计划或排队中的发布可以取消" in response.json()["detail"]
    in_english = operator.post(f"/api/releases/{release.pk}/cancel", HTTP_ACCEPT_LANGUAGE="en")
    assert "only a scheduled or queued one can be cancelled" in in_english.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"), [({"reason": 7}, "reason"), ({"reason": "x", "force": True}, "force")]
)
def test_a_body_it_cannot_read_is_named(
    operator: APIClient, harness: Harness, body: dict[str, object], field: str
) -> None:
    release = scheduled(harness)

    response = operator.post(f"/api/releases/{release.pk}/cancel", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert harness.state(release) == ReleaseState.SCHEDULED


def test_a_release_that_does_not_exist_is_a_404(operator: APIClient) -> None:
    assert operator.post("/api/releases/999999/cancel").status_code == 404
