"""`POST /api/releases/<id>/retry`: people allowed to change releases retry one that ended
in ERROR once its cause is fixed, and it builds once; a release not in ERROR, or whose
approval no longer holds, answers 409 with why; others get 403."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from releasegate.api.tests.conftest import person, token_client
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.approvals import ORDER_FORM, instance
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState


@pytest.fixture
def operator() -> APIClient:
    """Wang Wu, who may change releases (and so retry them)."""
    return token_client(person("wangwu", "wangwu", "change_release"))


@pytest.fixture
def in_error(harness_platform: Harness) -> Release:
    """A release Jenkins refused to build (a revoked token); the token then fixed."""
    harness = harness_platform
    fixed = harness.context.jenkins
    harness.context.jenkins = harness.client(token="revoked-token")
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.ERROR)
    harness.context.jenkins = fixed
    return release


def test_an_operator_retries_a_release_in_error_and_it_builds_once(
    operator: APIClient, harness_platform: Harness, in_error: Release
) -> None:
    harness = harness_platform

    response = operator.post(
        f"/api/releases/{in_error.pk}/retry", {"reason": "token renewed"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "TRIGGERING"
    last = response.json()["events"][-1]
    assert (last["actor"], last["from_state"], last["to_state"]) == (
        "api:wangwu",
        "ERROR",
        "TRIGGERING",
    )
    assert last["reason"] == "retried by api:wangwu: token renewed"
    harness.until(lambda: harness.state(in_error) == S.SUCCEEDED)
    assert len(harness.sim.builds()) == 1


def test_others_may_not_retry(api: APIClient, harness_platform: Harness, in_error: Release) -> None:
    response = api.post(f"/api/releases/{in_error.pk}/retry")

    assert response.status_code == 403
    assert "releases.change_release" in response.json()["detail"]
    assert harness_platform.state(in_error) == S.ERROR


def test_a_release_not_in_error_answers_409_with_the_reason(
    operator: APIClient, harness_platform: Harness
) -> None:
    harness = harness_platform
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    response = operator.post(f"/api/releases/{release.pk}/retry")

    assert response.status_code == 409
    assert response.json()["state"] == "SUCCEEDED"
    assert "只有以 ERROR 结束的发布可以重试" in response.json()["detail"]
    in_english = operator.post(f"/api/releases/{release.pk}/retry", HTTP_ACCEPT_LANGUAGE="en")
    assert "only one that ended in ERROR can be retried" in in_english.json()["detail"]


def test_an_approval_revoked_since_answers_409(
    operator: APIClient, harness_platform: Harness, in_error: Release
) -> None:
    harness = harness_platform
    harness.approvals.instances["inst-1"] = instance(
        "inst-1", form={**ORDER_FORM, **FORM}, decided_at=harness.clock(), taken_back_by="x-1"
    )

    response = operator.post(f"/api/releases/{in_error.pk}/retry", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "The approval no longer holds (COMPLETED agree REVOKE): it cannot run.",
        "state": "ERROR",
    }
    harness.run(passes=3, seconds=5)
    assert harness.sim.builds() == []


@pytest.mark.parametrize(
    ("body", "field"), [({"reason": 7}, "reason"), ({"reason": "x", "force": True}, "force")]
)
def test_a_body_it_cannot_read_is_named(
    operator: APIClient, in_error: Release, body: dict[str, object], field: str
) -> None:
    response = operator.post(f"/api/releases/{in_error.pk}/retry", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_release_that_does_not_exist_is_a_404(operator: APIClient) -> None:
    assert operator.post("/api/releases/999999/retry").status_code == 404
