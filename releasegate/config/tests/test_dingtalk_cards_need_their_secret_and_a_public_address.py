"""Approval cards are off until a template is set; with one, a click can only be
trusted with the callback secret and can only reach ReleaseGate at its public address,
so both are required and named when missing."""

from __future__ import annotations

from pathlib import Path

from releasegate.config import load
from releasegate.tests.test_configuration_names_each_problem import VALID, problems

TEMPLATE = {"DINGTALK_CARD_TEMPLATE_ID": "8a1f-approval.schema"}


def test_without_a_template_cards_are_off(tmp_path: Path) -> None:
    config = load({**VALID, "RELEASEGATE_DATA_DIR": str(tmp_path)})

    assert config.dingtalk is not None and not config.dingtalk.cards


def test_a_template_alone_names_the_secret_and_the_public_address(tmp_path: Path) -> None:
    found = problems(load({**VALID, **TEMPLATE, "RELEASEGATE_DATA_DIR": str(tmp_path)}))

    assert "DINGTALK_CARD_CALLBACK_SECRET" in found
    assert "RELEASEGATE_PUBLIC_URL" in problems(
        load(
            {
                **VALID,
                **TEMPLATE,
                "DINGTALK_CARD_CALLBACK_SECRET": "s" * 20,
                "RELEASEGATE_DATA_DIR": str(tmp_path),
            }
        )
    )


def test_a_complete_card_setup_turns_cards_on(tmp_path: Path) -> None:
    config = load(
        {
            **VALID,
            **TEMPLATE,
            "DINGTALK_CARD_CALLBACK_SECRET": "s" * 20,
            "DINGTALK_CARD_ROUTE_KEY": "rg-prod",
            "RELEASEGATE_PUBLIC_URL": "https://releasegate.corp.internal/",
            "RELEASEGATE_DATA_DIR": str(tmp_path),
        }
    )

    assert config.problems == ()
    assert config.dingtalk is not None and config.dingtalk.cards
    assert (config.dingtalk.card_template_id, config.dingtalk.card_route_key) == (
        "8a1f-approval.schema",
        "rg-prod",
    )
    assert "s" * 20 not in repr(config.dingtalk)
