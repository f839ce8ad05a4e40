"""Recurring freezes and holiday settings are read from the TOML file; a mistake is
named with its key, and a full example loads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from releasegate.config import load
from releasegate.tests.test_configuration_names_each_problem import VALID

GOOD = """
[[releases.recurring_freezes]]
every = "month"
start = "31 18:00"
end = "2 09:00"
reason = "月结封网"

[releases.holidays]
freeze = false
extra_holidays = [{ date = 2099-01-01, name = "元旦" }]
extra_workdays = [2099-01-03]
"""

BAD = """
[[releases.recurring_freezes]]
every = "month"
start = "fri 18:00"
end = "fri 18:00"

[[releases.recurring_freezes]]
every = "week"
start = "fri 18:00"
end = "fri 18:00"

[releases.holidays]
country = "JP"
extra_workdays = [2099-01-05]
"""


def loaded(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "releasegate.toml"
    path.write_text(text, encoding="utf-8")
    config = load({**VALID, "RELEASEGATE_CONFIG": str(path), "RELEASEGATE_DATA_DIR": str(tmp_path)})
    return {problem.setting: problem.message for problem in config.problems}


def test_a_full_example_loads(tmp_path: Path) -> None:
    assert loaded(tmp_path, GOOD) == {}


def test_each_mistake_is_named_with_its_key(tmp_path: Path) -> None:
    found = loaded(tmp_path, BAD)

    assert (
        "start must look like '28 18:00'" in found["releasegate.toml: releases.recurring_freezes.0"]
    )
    assert "start and end must differ" in found["releasegate.toml: releases.recurring_freezes.1"]
    assert "releasegate.toml: releases.holidays.country" in found
    assert (
        f"{date(2099, 1, 5)} is not a Saturday or Sunday"
        in (found["releasegate.toml: releases.holidays.extra_workdays"])
    )
