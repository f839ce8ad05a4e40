"""The form's external options: projects, the linked project's applications and a
parameter's choices, from the catalog, in Feishu's shape (reference §A1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from releasegate.config import FeishuSettings
from releasegate.integrations.feishu.crypto import decrypt

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def ask(client: Client, source: str, **body: Any) -> Any:
    body.setdefault("token", "options-token")
    return client.post(
        f"/feishu/options/{source}", json.dumps(body), content_type="application/json"
    )


def options(answer: Any) -> dict[str, str]:
    """id -> zh_cn text, checked against Feishu's shape on the way."""
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["code"], body["msg"]) == (0, "success!")
    result = body["data"]["result"]
    texts = {r["locale"]: r["texts"] for r in result["i18nResources"]}
    assert set(texts) == {"zh_cn", "en_us"}
    found = {}
    for option in result["options"]:
        assert option["value"] in texts["zh_cn"] and option["value"] in texts["en_us"]
        found[option["id"]] = texts["zh_cn"][option["value"]]
    return found


def test_projects_then_the_linked_projects_applications(
    client: Client, feishu: FeishuSettings
) -> None:
    projects = options(ask(client, "projects"))
    applications = options(
        ask(client, "applications", linkage_params={"project": "project:mall"}, user_id="ou_1")
    )

    assert projects["project:mall"] == "商城 (mall)"
    assert "application:mall/order-service" in applications
    assert all(option.startswith("application:mall/") for option in applications)
    # Unique across the form's sources, as Feishu requires.
    assert not set(projects) & set(applications)


def test_a_parameters_choices_follow_the_linked_application(
    client: Client, feishu: FeishuSettings
) -> None:
    tags = options(
        ask(client, "choices/TAG", linkage_params={"application": "application:mall/order-service"})
    )
    unknown = options(
        ask(client, "choices/TAG", linkage_params={"application": "application:nope"})
    )

    assert list(tags.values()) == ["v3.8.0", "v3.7.2", "v3.7.1"]
    assert list(tags) == ["choice:TAG:v3.8.0", "choice:TAG:v3.7.2", "choice:TAG:v3.7.1"]
    assert unknown == {}


def test_a_search_filters_and_pages(client: Client, feishu: FeishuSettings) -> None:
    found = options(ask(client, "projects", query="商城"))
    answer = ask(client, "projects", page_token="1").json()["data"]["result"]

    assert found == {"project:mall": "商城 (mall)"}
    everything = options(ask(client, "projects"))
    assert [o["id"] for o in answer["options"]] == list(everything)[1:]
    assert answer["hasMore"] is False


def test_a_wrong_token_is_refused(client: Client, feishu: FeishuSettings) -> None:
    answer = ask(client, "projects", token="options-tokeN")

    assert answer.status_code == 401
    assert "options" not in answer.content.decode()


def test_with_a_key_the_result_is_encrypted(
    client: Client, configure_feishu: Callable[..., FeishuSettings]
) -> None:
    configure_feishu(options_key="opt-key")
    body = ask(client, "projects").json()

    result = json.loads(decrypt("opt-key", body["data"]["result"]))
    assert {"options", "i18nResources", "hasMore"} <= set(result)


def test_a_malformed_body_names_the_field(client: Client, feishu: FeishuSettings) -> None:
    answer = client.post(
        "/feishu/options/applications",
        json.dumps({"token": "options-token", "linkage_params": ["project"]}),
        content_type="application/json",
    )

    assert answer.status_code == 400
    assert answer.json()["field"] == "linkage_params"
