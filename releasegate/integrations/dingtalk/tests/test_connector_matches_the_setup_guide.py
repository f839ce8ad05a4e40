"""The setup guide's example bodies are what administrators paste into DingTalk, so they
must be accepted, and its example answers must have the fields the actions answer with."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import (
    ACTIONS,
    call,
    sync_demo,
)
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db

GUIDE = Path(settings.BASE_DIR).parent / "docs" / "dingtalk-setup.md"
_SECTION = re.compile(r"^### (\w+): `POST /dingtalk/connector/(\w+)`$", re.MULTILINE)
_JSON = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


def documented() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Action -> (example body, example answer), from the guide's §3."""
    text = GUIDE.read_text(encoding="utf-8")
    found = {}
    starts = list(_SECTION.finditer(text))
    for here, following in zip(starts, [*starts[1:], None], strict=True):
        section = text[here.end() : following.start() if following else len(text)]
        body, answer = (json.loads(block) for block in _JSON.findall(section)[:2])
        assert here.group(1) == here.group(2)
        found[here.group(1)] = (body, answer)
    return found


def shape(value: Any) -> Any:
    """The fields of a JSON value, without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


def test_the_guide_documents_every_action() -> None:
    assert sorted(documented()) == sorted(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
def test_the_documented_body_is_accepted_and_answered_in_the_documented_shape(
    client: Client, action: str
) -> None:
    body, example = documented()[action]

    status, answer = call(client, action, body)

    assert status == 200
    assert set(answer) == set(example)
    if action == "parameters":
        assert shape(answer["parameters"][0]) == shape(example["parameters"][0])
        assert shape(answer["choices"]) == shape(example["choices"])
