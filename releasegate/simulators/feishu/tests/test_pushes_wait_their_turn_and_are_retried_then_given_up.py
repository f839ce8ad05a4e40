from __future__ import annotations

import itertools

from releasegate.simulators.feishu.tests.conftest import Pushing
from releasegate.simulators.feishu.tests.receiver import EventReceiver


def test_later_events_of_an_instance_wait_for_the_first_to_be_acknowledged(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing
    receiver.failing = True
    control.submit({"项目名称": "mall", "应用名称": "order-service"})

    waiting = control.events()
    receiver.failing = False
    control.advance(14)
    still = control.events()
    control.advance(1)

    assert [len(d["attempts"]) for d in waiting] == [1, 0, 0]
    assert [len(d["attempts"]) for d in still] == [1, 0, 0]
    assert [e["event"]["type"] for e in receiver.events] == [
        "approval_instance",
        "approval_task",
        "approval_task",
    ]
    assert [d["state"] for d in control.events()] == ["delivered"] * 3


def test_a_push_is_retried_after_15_s_5_min_1_h_and_6_h_then_listed_as_failed(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing
    receiver.failing = True
    control.submit({"项目名称": "mall", "应用名称": "order-service"})

    for delay in (15, 300, 3600, 21600):
        assert not control.failed_events()
        control.advance(delay)

    (failed,) = control.failed_events()
    times = [attempt["at_ms"] for attempt in failed["attempts"]]
    gaps = [(b - a) / 1000 for a, b in itertools.pairwise(times)]
    assert [round(gap) for gap in gaps] == [15, 300, 3600, 21600]
    assert {a["outcome"] for a in failed["attempts"]} == {"HTTP 500"}
    # Given up, it no longer blocks the instance's next event.
    assert len(control.events()[1]["attempts"]) == 1


def test_an_event_can_be_pushed_again_with_the_same_uuid(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing
    control.submit({"项目名称": "mall", "应用名称": "order-service"})

    again = control.redeliver(1)

    assert again["again"] is True
    assert [e["uuid"] for e in receiver.events][-1] == receiver.events[0]["uuid"]
    assert len(receiver.events) == 4


def test_acknowledged_events_may_be_duplicated(pushing: Pushing, receiver: EventReceiver) -> None:
    _, control = pushing
    control.set_duplicate_probability(1.0)
    control.submit({"项目名称": "mall", "应用名称": "order-service"})
    control.settle()

    uuids = [e["uuid"] for e in receiver.events]
    assert len(uuids) == 6
    assert len(set(uuids)) == 3


def test_the_url_verification_challenge_is_answered_by_the_sdk(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing

    plain = control.verify_url()
    sealed = control.verify_url(encrypted=True)
    receiver.failing = True
    down = control.verify_url()

    assert (plain["ok"], sealed["ok"]) == (True, True)
    assert (down["ok"], down["status"]) == (False, 500)
