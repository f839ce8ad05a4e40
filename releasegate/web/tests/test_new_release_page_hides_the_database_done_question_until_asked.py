"""The question "Is the database change done?" matters only when the release changes a
database: the page sends it hidden unless "yes" was chosen, and no rule of the stylesheet
shows a hidden element again (a `display` on the fieldset beats the browser's `[hidden]`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]
STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "web" / "dashboard.css"


def done_question(page: str) -> str:
    match = re.search(r'<fieldset [^>]*id="request-db-change-done"[^>]*>', page)
    assert match
    return match.group(0)


def test_the_question_is_hidden_while_no_database_change_is_chosen(
    client: Client, person: Callable[..., User]
) -> None:
    client.force_login(person("zhangsan"))

    page = client.get("/requests/new?project=mall&application=mall/order-service")

    assert " hidden" in done_question(page.content.decode())


def test_it_stays_shown_when_the_answer_was_yes(
    client: Client, person: Callable[..., User]
) -> None:
    client.force_login(person("zhangsan"))
    order = {"project": "mall", "application": "mall/order-service", "db_change": "yes"}

    page = client.post("/requests/new", order)

    assert " hidden" not in done_question(page.content.decode())


def test_the_stylesheet_never_shows_a_hidden_element() -> None:
    rules = STYLESHEET.read_text("utf-8")

    assert re.search(r"^\[hidden\]\s*{\s*display:\s*none\s*!important;?\s*}", rules, re.M)
