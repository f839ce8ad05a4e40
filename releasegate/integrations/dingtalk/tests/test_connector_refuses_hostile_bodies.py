"""Whatever a caller with the connector's credentials posts, every action answers: a 4xx
naming the field, or its normal answer; never a 5xx, and nothing stored but a
well-formed connector-node delivery."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import ACTIONS, signed, url
from releasegate.releases.models import InboundEvent, Release
from releasegate.tests.hostile_json import (
    assert_clean_refusal,
    encode,
    hostile_bodies,
    odd_text,
)

pytestmark = pytest.mark.django_db

NAMES = st.one_of(st.sampled_from(["mall", "mall/order-service", "商城 (mall)"]), odd_text())
FLAGS = st.one_of(st.booleans(), st.sampled_from(["是", "否"]), odd_text())
FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "projects": {},
    "applications": {"project": NAMES},
    "parameters": {"application": NAMES, "project": NAMES},
    "validate": {
        "project": NAMES,
        "application": NAMES,
        "release_type": NAMES,
        "release_time": st.one_of(st.integers(), odd_text()),
        "db_change": FLAGS,
        "db_change_done": FLAGS,
        "parameters": st.dictionaries(odd_text(), st.one_of(odd_text(), st.booleans())),
    },
    "approved": {
        "instance_id": NAMES,
        "form": st.dictionaries(odd_text(), st.one_of(odd_text(), st.integers())),
    },
}


def post(client: Client, action: str, body: bytes) -> tuple[int, bytes]:
    response = client.post(url(action), body, content_type="application/json", headers=signed())
    assert response["Content-Type"].startswith("application/json")
    return response.status_code, response.content


@pytest.mark.parametrize("action", ACTIONS)
def test_a_hostile_body_is_a_4xx_naming_the_field_and_stores_nothing(
    client: Client, action: str
) -> None:
    @given(body=hostile_bodies(FIELDS[action]))
    def check(body: bytes) -> None:
        deliveries, releases = InboundEvent.objects.count(), Release.objects.count()

        status, content = post(client, action, body)

        accepted_delivery = action == "approved" and status == 200
        if status != 200:
            assert_clean_refusal(status, content)
        assert InboundEvent.objects.count() == deliveries + accepted_delivery
        assert Release.objects.count() == releases

    check()


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"instance_id": "inst\x00"}, "instance_id", "must not contain NUL characters"),
        ({"instance_id": "i", "form": {"k": "v\x00"}}, "form.k", "must not contain NUL"),
        ({"instance_id": "i", "form": {"k\x00": "v"}}, "form", "a key must not contain NUL"),
        ({"instance_id": "i", "form": {"k": ["\x00"]}}, "form.k.0", "must not contain NUL"),
    ],
)
def test_text_no_database_can_keep_is_named_not_a_500(
    client: Client, body: dict[str, Any], field: str, problem: str
) -> None:
    status, content = post(client, "approved", encode(body))

    answer = assert_clean_refusal(status, content)
    assert answer["field"] == field
    assert problem in answer["error"]
    assert not InboundEvent.objects.exists()
