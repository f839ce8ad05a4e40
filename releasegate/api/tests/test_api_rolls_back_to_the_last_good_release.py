"""`POST /api/rollbacks`: a rollback of the order service asks again for its last good
release's approved parameters, in ReleaseGate's own approvals, marked as a rollback and
linked both ways; once approved the engine builds exactly those parameters in the Jenkins
simulator. An application without a good release to go back to is refused, saying so."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from releasegate.api.tests.conftest import person, token_client
from releasegate.releases.models import InboundEvent, Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.releases.tests.rollback_story import (  # noqa: F401
    APPLICATION,
    GOOD_TAG,
    engine_options,
    good_then_bad,
    released,
    work_local_approvals,
)
from releasegate.web.tests.records import stored_release

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_approvals")]


def roll_back(api: APIClient, body: dict[str, Any]) -> Any:
    return api.post("/api/rollbacks", body, format="json")


def approve_by_two(instance_id: str) -> None:
    for approver in ("lisi", "wangwu"):
        answer = token_client(person(approver)).post(
            f"/api/approvals/{instance_id}/approve", {}, format="json"
        )
        assert answer.status_code == 200, answer.content


def test_the_approved_rollback_builds_the_good_parameters(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    harness = jenkins_of_harness
    good, bad = good_then_bad(harness)

    response = roll_back(api, {"application": APPLICATION, "reason": "v3.8.0 breaks checkout"})

    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["rollback_of"], answer["rollback_to"]) == (bad.pk, good.pk)
    assert answer["approval_provider"] == "local"
    approve_by_two(answer["approval_instance_id"])
    work_local_approvals(harness)
    harness.until(lambda: Release.objects.filter(is_rollback=True, state="SUCCEEDED").exists())

    rollback = Release.objects.get(is_rollback=True)
    builds = harness.sim.builds(APPLICATION)
    assert [b["parameters"]["TAG"] for b in builds] == [GOOD_TAG, "v3.8.0", GOOD_TAG]
    assert builds[-1]["parameters"]["RELEASE_TYPE"] == good.approved_parameters["RELEASE_TYPE"]
    shown = api.get(f"/api/releases/{rollback.pk}").json()
    assert (shown["is_rollback"], shown["rollback_of"], shown["rollback_to"]) == (
        True,
        bad.pk,
        good.pk,
    )
    assert "rollback" in [event["kind"] for event in shown["events"]]
    rolled_back = api.get(f"/api/releases/{bad.pk}").json()
    assert rolled_back["rollbacks"] == [rollback.pk]
    [asked] = rolled_back["rollback_requests"]
    assert (asked["requested_by"], asked["reason"]) == ("zhangsan", "v3.8.0 breaks checkout")
    told = Notification.objects.filter(release=rollback, kind="finished").first()
    assert told is not None
    assert f"回滚发布 #{bad.pk}，使用发布 #{good.pk} 的参数" in told.markdown


def test_rolling_back_from_a_release_skips_it(api: APIClient, jenkins_of_harness: Harness) -> None:
    harness = jenkins_of_harness
    good, _bad = good_then_bad(harness)
    newer = released(harness, "newer", GOOD_TAG)

    response = roll_back(api, {"release": newer.pk})

    assert response.status_code == 201, response.content
    assert (response.json()["rollback_of"], response.json()["rollback_to"]) == (newer.pk, good.pk)


def test_an_application_without_a_good_release_is_refused(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    harness = jenkins_of_harness
    harness.put_job(APPLICATION, result="FAILURE")
    released(harness, "bad", "v3.8.0")

    response = roll_back(api, {"application": APPLICATION})

    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert APPLICATION in problem and "没有成功的发布" in problem
    assert not InboundEvent.objects.filter(via="request").exists()


def test_an_application_never_released_is_refused(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    response = roll_back(api, {"application": APPLICATION})

    assert response.status_code == 400
    assert "还没有发布过" in response.json()["problems"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "application"),
        ({"application": 42}, "application"),
        ({"release": "twelve"}, "release"),
        ({"release": 2**70}, "release"),
        ({"application": APPLICATION, "reason": ["x"]}, "reason"),
        ({"application": APPLICATION, "release_time": "tomorrow"}, "release_time"),
        ({"aplication": APPLICATION}, "aplication"),
    ],
    ids=["nothing", "a number", "a word", "too large", "a list", "unreadable time", "misspelt"],
)
def test_a_body_it_cannot_read_is_a_400_naming_the_field(
    api: APIClient, body: dict[str, Any], field: str
) -> None:
    response = roll_back(api, body)

    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_an_unknown_release_is_refused_by_its_number(api: APIClient) -> None:
    response = roll_back(api, {"release": 999})

    assert response.status_code == 400
    assert response.json() == {"problems": ["发布 #999 不存在"]}


def test_a_release_that_has_not_run_is_cancelled_not_rolled_back(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    good_then_bad(jenkins_of_harness)
    waiting = stored_release("waiting", received_at=timezone.now(), state=ReleaseState.SCHEDULED)

    response = roll_back(api, {"release": waiting.pk})

    assert response.status_code == 400
    assert response.json() == {"problems": [f"发布 #{waiting.pk} 还没有运行：请取消它，而不是回滚"]}
    assert not InboundEvent.objects.filter(via="request").exists()


def test_an_english_caller_is_told_why_in_english(
    api: APIClient, jenkins_of_harness: Harness
) -> None:
    response = api.post(
        "/api/rollbacks",
        {"application": APPLICATION},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["problems"] == [
        f"{APPLICATION} has never been released: there is nothing to roll back"
    ]
