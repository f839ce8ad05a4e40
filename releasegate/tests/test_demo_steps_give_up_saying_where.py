from __future__ import annotations

import time

import pytest

from releasegate.cli.demo_timeline import DemoFailed, within


def test_a_step_that_never_sees_what_it_waits_for_fails_naming_the_step() -> None:
    started = time.monotonic()
    with pytest.raises(DemoFailed) as failed:
        within(0.3, "arrival", "no release for approval X", lambda: None, every=0.05)

    assert failed.value.where == "arrival"
    assert failed.value.why == "no release for approval X after 0.3 s"
    assert time.monotonic() - started < 5


def test_a_step_returns_what_it_waited_for_as_soon_as_it_is_there() -> None:
    answers = iter([None, 0, "release #1"])

    assert within(5, "arrival", "never", lambda: next(answers), every=0.01) == "release #1"
