"""The option actions encode each list once per catalog snapshot and send it again as it
is; a sync that changes the catalog (here, or in another process) must still show."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application, CatalogSync
from releasegate.integrations.dingtalk import connector, connector_options
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


def another_process_synced(monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer successful sync in the database, seen at once (no five-second wait)."""
    CatalogSync.objects.create(server="default", started_at=timezone.now(), succeeded=True)
    monkeypatch.setattr(snapshot, "STALE_AFTER", 0.0)


def test_the_project_list_is_built_once_for_many_calls(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    original = connector_options.projects_answer

    def counting(catalog: snapshot.CatalogSnapshot) -> dict[str, Any]:
        built.append(catalog)
        return original(catalog)

    monkeypatch.setattr(connector, "projects_answer", counting)

    answers = [call(client, "projects", {}) for _ in range(3)]

    assert len(built) == 1
    assert answers[0] == answers[1] == answers[2]
    assert "mall" in answers[0][1]["ids"]


def test_an_application_hidden_by_a_later_sync_leaves_the_list(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, before = call(client, "applications", {"project": "mall"})
    assert "mall/web-frontend" in before["ids"]

    Application.objects.filter(full_name="mall/web-frontend").update(exposed=False)
    another_process_synced(monkeypatch)
    _, after = call(client, "applications", {"project": "mall"})

    assert after["ids"] == ["mall/inventory-service", "mall/order-service"]


def test_new_parameter_choices_reach_the_form_after_a_sync(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = {"project": "mall", "application": "mall/web-frontend"}
    _, before = call(client, "parameters", asked)
    assert "prod" in before["choices"]["ENV"]["ids"]

    app = Application.objects.get(full_name="mall/web-frontend")
    app.parameters = [
        {**p, "choices": ["blue", "green"]} if p["name"] == "ENV" else p for p in app.parameters
    ]
    app.save(update_fields=["parameters"])
    another_process_synced(monkeypatch)
    _, after = call(client, "parameters", asked)

    assert after["choices"]["ENV"]["ids"] == ["blue", "green"]


def test_the_parameters_follow_the_form_mapping_in_force(client: Client, settings: Any) -> None:
    asked = {"application": "mall/order-service"}
    _, before = call(client, "parameters", asked)
    assert "CANARY_PERCENT" not in before["choices"]

    options = settings.CONFIG.options
    form = options.form.model_copy(update={"parameters": {"金丝雀": "CANARY_PERCENT"}})
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG, options=options.model_copy(update={"form": form})
    )
    _, after = call(client, "parameters", asked)

    assert after["choices"]["CANARY_PERCENT"] == {"ids": [], "values": [], "options": []}
    assert "BRANCH" not in after["choices"]
