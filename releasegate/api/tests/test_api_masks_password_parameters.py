"""`GET /api/releases/<id>` never gives a password parameter's value: not in the
parameters asked for or approved, nor in the audit trail that froze them (as the release
page); other parameters are given as they are."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application
from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    """The order service's pipeline waits at an input step; the engine answers it."""
    rule = InputRule(job="mall/order-service", input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def declare_tag_a_password(full_name: str) -> None:
    application = Application.objects.get(full_name=full_name)
    application.parameters = [
        {**p, "kind": "password"} if p["name"] == "TAG" else p for p in application.parameters
    ]
    application.save()
    snapshot.refresh()


def test_a_released_password_is_masked_everywhere_in_the_answer(
    api: APIClient, harness: Harness
) -> None:
    declare_tag_a_password("mall/order-service")
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)

    answer = api.get(f"/api/releases/{release.pk}").json()

    assert "v3.7.2" not in json.dumps(answer)
    assert answer["approved_parameters"]["TAG"] == "******"
    assert answer["requested_parameters"]["TAG"] == "******"
    frozen = [e["details"]["parameters"] for e in answer["events"] if e["to_state"] == "SCHEDULED"]
    assert frozen and frozen[0]["TAG"] == "******"
    assert set(frozen[0]) == set(answer["approved_parameters"])


def test_other_parameters_are_given_as_they_are(api: APIClient, harness: Harness) -> None:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)

    answer = api.get(f"/api/releases/{release.pk}").json()

    assert answer["approved_parameters"]["TAG"] == "v3.7.2"
    frozen = [e["details"]["parameters"] for e in answer["events"] if e["to_state"] == "SCHEDULED"]
    assert frozen[0]["TAG"] == "v3.7.2"
