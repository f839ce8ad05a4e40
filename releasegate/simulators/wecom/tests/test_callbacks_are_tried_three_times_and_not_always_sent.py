from __future__ import annotations

from collections.abc import Callable

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests.conftest import VALUES, Calling
from releasegate.simulators.wecom.tests.receiver import CallbackReceiver


def test_a_failed_callback_is_tried_three_times_in_all_then_given_up(
    calling: Calling, receiver: CallbackReceiver
) -> None:
    _, control = calling
    receiver.failing = True

    control.submit(VALUES)

    (failed,) = control.callbacks("failed")
    assert [a["outcome"] for a in failed["attempts"]] == ["HTTP 500"] * 3
    assert receiver.statuses == [500] * 3


def test_retries_wait_their_delay_on_the_simulators_clock(
    start_wecom: Callable[..., WeComSimulator], receiver: CallbackReceiver
) -> None:
    wecom = start_wecom(callback_url=receiver.url, retry_delays=(60.0, 300.0))
    control = WeComControl(wecom.url)
    receiver.failing = True
    control.submit(VALUES)
    control.advance(60)
    receiver.failing = False
    control.advance(299)
    before = control.callbacks()[0]["attempts"]
    control.advance(1)

    assert len(before) == 2
    assert control.callbacks()[0]["state"] == "delivered"
    assert receiver.seen("ApprovalInfo/StatuChangeEvent") == ["1"]
    control.close()


def test_some_callbacks_are_never_sent(calling: Calling, receiver: CallbackReceiver) -> None:
    _, control = calling
    control.set_chances(drop=1.0)

    sp_no = control.submit(VALUES)

    assert [d["state"] for d in control.callbacks()] == ["dropped"]
    assert receiver.events == []
    assert control.application(sp_no)["sp_status"] == 1


def test_a_callback_may_arrive_twice_with_nothing_to_tell_them_apart(
    calling: Calling, receiver: CallbackReceiver
) -> None:
    _, control = calling
    control.set_chances(duplicate=1.0)
    control.submit(VALUES)
    control.settle()
    control.redeliver(1)

    assert len(receiver.events) == 3
    assert len({receiver.events[n].findtext("CreateTime") for n in range(3)}) == 1
    assert [d["again"] for d in control.callbacks()] == [False, True, True]


def test_the_url_verification_expects_the_echostrs_plaintext(
    calling: Calling, receiver: CallbackReceiver
) -> None:
    _, control = calling

    verified = control.verify_url()
    receiver.failing = True
    down = control.verify_url()

    assert (verified["ok"], verified["status"]) == (True, 200)
    assert verified["answer"].isdigit()
    assert (down["ok"], down["status"]) == (False, 500)
