from __future__ import annotations

import pytest
from django.test import Client

from releasegate.catalog import snapshot
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call

pytestmark = pytest.mark.django_db


def test_an_unexpected_failure_is_a_json_500_without_a_traceback(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> snapshot.CatalogSnapshot:
        raise RuntimeError("database went away")

    monkeypatch.setattr(snapshot, "current", broken)

    status, answer = call(client, "projects", {})

    assert (status, answer) == (500, {"error": "internal error; see the server log"})
    assert "connector action projects failed" in caplog.text
    assert "database went away" in caplog.text
