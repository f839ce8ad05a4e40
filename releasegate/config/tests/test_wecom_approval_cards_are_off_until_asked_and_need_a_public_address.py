"""WeCom's approval cards are off unless `WECOM_APPROVAL_CARDS=1`; a card opens a page
under ReleaseGate's public address, so turning them on without one is named, and so is
a value that is not yes or no."""

from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.config import load
from releasegate.tests.test_configuration_names_each_problem import VALID, problems

PUBLIC = {"RELEASEGATE_PUBLIC_URL": "https://releasegate.example.com/"}


def environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**VALID, **DEMO_WECOM, "RELEASEGATE_DATA_DIR": str(tmp_path), **extra}


def test_without_the_setting_cards_are_off(tmp_path: Path) -> None:
    config = load(environ(tmp_path, **PUBLIC))

    assert config.wecom is not None and not config.wecom.approval_cards


def test_cards_without_a_public_address_name_it(tmp_path: Path) -> None:
    found = problems(load(environ(tmp_path, WECOM_APPROVAL_CARDS="1")))

    assert "RELEASEGATE_PUBLIC_URL" in found


def test_cards_with_a_public_address_are_on(tmp_path: Path) -> None:
    config = load(environ(tmp_path, WECOM_APPROVAL_CARDS="1", **PUBLIC))

    assert not config.problems
    assert config.wecom is not None and config.wecom.approval_cards


def test_a_value_that_is_not_yes_or_no_is_named(tmp_path: Path) -> None:
    found = problems(load(environ(tmp_path, WECOM_APPROVAL_CARDS="sometimes", **PUBLIC)))

    assert "WECOM_APPROVAL_CARDS" in found
