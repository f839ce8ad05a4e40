from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from releasegate.config import Freeze, ReleaseOptions, ReleaseWindow
from releasegate.releases.windows import closed_at, decide_release_time, describe_window

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Thursday 2026-11-26, 11:00 in Shanghai.
NOW = datetime(2026, 11, 26, 11, 0, tzinfo=SHANGHAI)
WEEKDAYS = ReleaseOptions(
    windows=[
        ReleaseWindow(days=["mon", "tue", "wed", "thu"], start="10:00", end="18:00"),
        ReleaseWindow(days=["fri"], start="10:00", end="16:00"),
    ],
    freezes=[
        Freeze(start=datetime(2026, 9, 30, 18), end=datetime(2026, 10, 8, 9), reason="国庆封网")
    ],
)


def test_no_time_means_now_when_releases_are_open() -> None:
    decision = decide_release_time(None, WEEKDAYS, NOW)

    assert decision.allowed
    assert decision.run_at is None


def test_a_time_just_passed_still_means_now() -> None:
    decision = decide_release_time(NOW - timedelta(minutes=5), WEEKDAYS, NOW)

    assert (decision.allowed, decision.run_at) == (True, None)


def test_a_time_long_past_is_refused() -> None:
    decision = decide_release_time(NOW - timedelta(hours=2), WEEKDAYS, NOW)

    assert not decision.allowed
    assert "已经过去" in (decision.problem or "")


def test_a_time_beyond_the_horizon_is_refused() -> None:
    decision = decide_release_time(NOW + timedelta(days=31), WEEKDAYS, NOW)

    assert "30 天" in (decision.problem or "")


def test_a_future_time_inside_a_window_is_kept() -> None:
    friday_afternoon = datetime(2026, 11, 27, 15, 30, tzinfo=SHANGHAI)

    decision = decide_release_time(friday_afternoon, WEEKDAYS, NOW)

    assert (decision.allowed, decision.run_at) == (True, friday_afternoon)


def test_friday_evening_and_the_weekend_are_outside_the_windows() -> None:
    for moment in (
        datetime(2026, 11, 27, 18, 30, tzinfo=SHANGHAI),
        datetime(2026, 11, 28, 11, 0, tzinfo=SHANGHAI),
    ):
        decision = decide_release_time(moment, WEEKDAYS, NOW)
        assert "不在发布窗口内" in (decision.problem or ""), moment
        assert "周五 10:00-16:00" in (decision.problem or "")


def test_a_freeze_closes_releases_with_its_reason() -> None:
    assert "国庆封网" in (closed_at(datetime(2026, 10, 2, 11, tzinfo=SHANGHAI), WEEKDAYS) or "")
    assert closed_at(datetime(2026, 10, 8, 10, tzinfo=SHANGHAI), WEEKDAYS) is None


def test_without_windows_releases_are_open_at_any_time() -> None:
    assert closed_at(datetime(2026, 11, 29, 3, 0, tzinfo=SHANGHAI), ReleaseOptions()) is None


def test_a_window_to_midnight_includes_the_last_minute() -> None:
    late = ReleaseOptions(windows=[ReleaseWindow(days=["thu"], start="20:00", end="24:00")])

    assert closed_at(datetime(2026, 11, 26, 23, 59, 30, tzinfo=SHANGHAI), late) is None
    assert describe_window(late.windows[0]) == "周四 20:00-24:00"
