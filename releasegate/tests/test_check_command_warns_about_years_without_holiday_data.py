"""`releasegate check` warns, without failing, when the horizon reaches a year the
holiday data has nothing for, and names a recurring freeze it cannot read."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from releasegate.config import HolidayOptions
from releasegate.releases.holidays import unknown_years
from releasegate.tests.cli import releasegate
from releasegate.tests.test_check_command_says_whether_local_approvals_are_on import (
    GROUPS,
    environment,
)

HOLIDAYS = """
[releases]
horizon_days = 366

[releases.holidays]
freeze = true
"""


def test_years_without_holiday_data_are_a_warning_not_a_problem(tmp_path: Path) -> None:
    env = environment(tmp_path, "http://127.0.0.1:9/", HOLIDAYS + GROUPS)

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    # Which years the data lacks depends on the day and on the package's version: the
    # check must name exactly those.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    missing = unknown_years(HolidayOptions(), today, today + timedelta(days=366))
    for year in missing:
        assert f"releases.holidays: the holiday data has nothing for {year}" in result.stdout
    assert result.stdout.count("the holiday data has nothing for") == len(missing)


def test_a_recurring_freeze_it_cannot_read_is_named(tmp_path: Path) -> None:
    broken = '[[releases.recurring_freezes]]\nevery = "week"\nstart = "friday 18:00"\n'
    env = environment(tmp_path, "http://127.0.0.1:9/", broken + 'end = "mon 09:00"\n' + GROUPS)

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "releases.recurring_freezes.0: Value error, start must look like 'fri 18:00'" in (
        result.stdout
    )
