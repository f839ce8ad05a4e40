from __future__ import annotations

import pytest

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import Notification, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def test_it_triggers_exactly_the_approved_parameters_and_answers_the_input(
    harness: Harness,
) -> None:
    release = harness.approve()

    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)

    [build] = harness.sim.builds(ORDER)
    assert build["parameters"] == {"TAG": "v3.7.2", "RELEASE_TYPE": "灰度", "CANARY_PERCENT": "10"}
    assert build["result"] == "SUCCESS"
    assert build["input"]["state"] == "proceeded"
    assert build["input"]["values"] == {"CONFIRM_TAG": "", "NOTIFY_QA": True}
    release.refresh_from_db()
    assert release.approved_parameters == build["parameters"]
    assert (release.build_number, release.result) == (1, "SUCCESS")
    assert release.duration_ms and release.duration_ms > 0
    trail = [(e.kind, e.to_state) for e in release.events.all()]
    assert trail == [
        ("approver-decision", ""),
        ("approver-decision", ""),
        ("received", "RECEIVED"),
        ("state", "SCHEDULED"),
        ("state", "TRIGGERING"),
        ("state", "QUEUED"),
        ("state", "RUNNING"),
        ("input-answered", ""),
        ("state", "SUCCEEDED"),
    ]
    kinds = list(Notification.objects.values_list("kind", flat=True))
    assert kinds == ["started", "finished"]
    assert Notification.objects.get(kind="finished").recipients == ["zhangsan", "lisi", "wangwu"]
