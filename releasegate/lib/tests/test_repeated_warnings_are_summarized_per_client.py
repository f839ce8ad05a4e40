"""`WarningThrottle`: the first occurrence of a key is logged at once; the rest inside
the window are counted into the next warning, so no occurrence goes uncounted."""

from __future__ import annotations

from releasegate.lib.log_throttle import WarningThrottle


def test_the_first_is_logged_and_the_rest_of_the_minute_are_counted_into_the_next() -> None:
    throttle = WarningThrottle(60)

    counts = [throttle.admit("10.0.0.1", at) for at in (0, 1, 2, 59.9, 60.0, 61, 200)]

    assert counts == [1, 0, 0, 0, 4, 0, 2]


def test_each_address_has_its_own_window() -> None:
    throttle = WarningThrottle(60)

    assert [throttle.admit(a, 0) for a in ("a", "b", "a", "b")] == [1, 1, 0, 0]


def test_it_remembers_a_bounded_number_of_addresses() -> None:
    throttle = WarningThrottle(60, max_keys=2)

    for address in ("a", "b", "c"):
        throttle.admit(address, 0)

    assert throttle.admit("a", 1) == 1  # forgotten: logged again at once
    assert throttle.admit("c", 1) == 0
