from __future__ import annotations

import pytest
from django.test import Client

from releasegate.config.public import PublicLimits
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "body", "field", "message"),
    [
        ("validate", "{not json", "body", "Invalid JSON: key must be a string at line 1 column 2"),
        ("validate", "[]", "body", "Input should be an object"),
        ("validate", '"mall"', "body", "Input should be an object"),
        ("applications", "{}", "project", "Field required"),
        ("applications", {"project": 7}, "project", "Input should be a valid string"),
        (
            "applications",
            {"project": "", "projct": "m"},
            "projct",
            "Extra inputs are not permitted",
        ),
        ("parameters", {"project": "mall"}, "application", "Field required"),
        ("validate", {"project": "mall"}, "application", "Field required"),
        (
            "validate",
            {"project": "mall", "application": "a", "parameters": {"BRANCH": 1}},
            "parameters.BRANCH",
            "Input should be a valid string",
        ),
        (
            "validate",
            {"project": "mall", "application": "a", "parameters": ["BRANCH"]},
            "parameters",
            "Input should be an object",
        ),
        (
            "validate",
            {"project": "m" * 1001, "application": "a"},
            "project",
            "String should have at most 1000 characters",
        ),
        (
            "validate",
            {"project": "m", "application": "a", "release_time": [2026]},
            "release_time",
            "Input should be a valid string",
        ),
        (
            "validate",
            {"project": "m", "application": "a", "db_change": 1},
            "db_change",
            "Input should be a valid string",
        ),
        ("approved", {"form": {}}, "instance_id", "Field required"),
        (
            "approved",
            {"instance_id": "   "},
            "instance_id",
            "String should have at least 1 character",
        ),
        ("approved", {"instance_id": 42}, "instance_id", "Input should be a valid string"),
        ("approved", {"instance_id": "i", "form": "x"}, "form", "Input should be an object"),
    ],
)
def test_the_answer_is_400_naming_the_field(
    client: Client, action: str, body: dict[str, object] | str, field: str, message: str
) -> None:
    status, answer = call(client, action, body)

    assert status == 400
    assert answer == {"error": f"malformed body: {field}: {message}", "field": field}
    assert not InboundEvent.objects.exists()


def test_a_huge_body_is_refused_unread(client: Client) -> None:
    limit = PublicLimits().max_body_bytes
    huge = '{"instance_id": "i", "form": {"x": "' + "x" * limit + '"}}'

    status, answer = call(client, "approved", huge)

    assert (status, answer["field"]) == (413, "body")
    assert answer["error"] == f"body too large: at most {limit} bytes"


def test_deeply_nested_json_is_refused_not_an_error(client: Client) -> None:
    nested = '{"instance_id": "i", "form": {"x": ' + "[" * 5000 + "]" * 5000 + "}}"

    status, answer = call(client, "approved", nested)

    assert (status, answer["field"]) == (400, "body")


def test_a_body_that_is_not_utf8_is_refused(client: Client) -> None:
    status, answer = call(client, "applications", '{"project": "商城"}'.encode("gbk"))

    assert (status, answer["field"]) == (400, "body")


def test_too_many_parameters_are_refused(client: Client) -> None:
    many = {f"P{n}": "x" for n in range(201)}

    status, answer = call(
        client, "validate", {"project": "m", "application": "a", "parameters": many}
    )

    assert (status, answer["field"]) == (400, "parameters")
