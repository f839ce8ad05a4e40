"""The trigger POST took effect but its answer never came (or Jenkins merged it into an
identical queued request): the release adopts that queue item or build as its own
instead of triggering a second one."""

from __future__ import annotations

import pytest

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"
APPROVED = {"TAG": "v3.7.2", "RELEASE_TYPE": "灰度", "CANARY_PERCENT": "10"}
S = ReleaseState


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def lose_trigger_answers(harness: Harness) -> None:
    """Every trigger POST takes effect in Jenkins; its answer is lost on the way back."""
    harness.sim.set_faults(lost_response_rate=1, methods=["POST"], paths=["buildWithParameters"])


def busy_by_hand(harness: Harness) -> None:
    """Someone started the (non-concurrent) job by hand; it waits at its input step, so
    a new request for the job stays in the queue."""
    harness.jenkins.trigger(ORDER, {"TAG": "v3.7.1"})
    harness.tick(2)


def done_by_hand(harness: Harness) -> None:
    """That person answers their build's input step; it ends, and the queue moves."""
    [pending] = harness.jenkins.pending_inputs(ORDER, 1)
    harness.jenkins.proceed_input(ORDER, 1, pending)


def test_the_retry_adopts_the_build_the_lost_answer_started(harness: Harness) -> None:
    lose_trigger_answers(harness)
    release = harness.approve()

    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    [build] = harness.sim.builds()
    assert build["parameters"] == APPROVED
    assert release.build_number == build["number"]
    trail = harness.trail(release)
    assert trail[:5] == [
        ("received", "RECEIVED"),
        ("state", "SCHEDULED"),
        ("state", "TRIGGERING"),
        ("retry", ""),
        ("state", "RUNNING"),
    ]
    retry = release.events.get(kind="retry")
    assert retry.reason.startswith("trigger: POST ")
    assert retry.details["attempt"] == 1
    running = release.events.get(to_state=S.RUNNING)
    assert running.reason == f"found build #{build['number']} from the earlier trigger attempt"


def test_the_retry_adopts_the_queue_item_the_lost_answer_created(harness: Harness) -> None:
    busy_by_hand(harness)
    lose_trigger_answers(harness)
    release = harness.approve()

    harness.until(lambda: harness.state(release) == S.QUEUED)

    [item] = [item for item in harness.sim.queue() if item["build"] is None]
    assert (item["id"], item["state"], item["causes"]) == (release.queue_id, "blocked", 1)
    queued = release.events.get(to_state=S.QUEUED)
    assert queued.reason == f"found queue item {item['id']} from the earlier trigger attempt"
    assert queued.details == {"queue_id": item["id"], "merged": False}
    done_by_hand(harness)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)
    [build] = harness.sim.builds()[1:]
    assert (build["queue_id"], build["parameters"]) == (release.queue_id, APPROVED)
    assert len(harness.sim.builds()) == 2


def test_a_request_jenkins_merged_into_an_identical_queued_one_is_the_same_build(
    harness: Harness,
) -> None:
    busy_by_hand(harness)
    by_hand = harness.jenkins.trigger(ORDER, APPROVED)
    release = harness.approve()

    harness.until(lambda: harness.state(release) == S.QUEUED)

    assert release.queue_id == by_hand.queue_id
    queued = release.events.get(to_state=S.QUEUED)
    assert queued.details == {"queue_id": by_hand.queue_id, "merged": True}
    assert "(303)" in queued.reason
    [item] = [item for item in harness.sim.queue() if item["id"] == by_hand.queue_id]
    assert (item["state"], item["causes"]) == ("blocked", 2)
    done_by_hand(harness)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)
    [build] = harness.sim.builds()[1:]
    assert (build["queue_id"], build["parameters"]) == (by_hand.queue_id, APPROVED)
    assert release.build_number == build["number"]
    assert len(harness.sim.builds()) == 2
