"""Fetch first, then one short transaction: the one HTTP seam refuses a call made while
the calling thread holds a database transaction (in tests it raises; in production it is
logged as an error and goes on), so a slow platform can never hold a lock others wait
for. A test's own wrapping transaction does not count."""

from __future__ import annotations

import logging

import httpx
import pytest
from django.db import transaction

from releasegate.lib import http
from releasegate.lib.http import CallInsideTransaction, OutboundClient, Timeouts
from releasegate.releases.apps import in_transaction

pytestmark = pytest.mark.django_db


def client() -> OutboundClient:
    answer = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    return OutboundClient(
        service="somewhere", base_url="http://x/", timeouts=Timeouts(), transport=answer
    )


def test_a_call_outside_any_transaction_goes_out() -> None:
    assert not in_transaction()
    assert client().request("GET", "status").status_code == 200


def test_a_call_inside_a_transaction_is_refused_in_tests() -> None:
    with transaction.atomic(), pytest.raises(CallInsideTransaction, match="somewhere: GET"):
        client().request("GET", "status")


def test_a_call_inside_a_nested_transaction_is_refused_too() -> None:
    with transaction.atomic(), transaction.atomic(), pytest.raises(CallInsideTransaction):
        client().request("POST", "build")


def test_in_production_it_is_logged_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(http._TransactionGuard, "refuse", False)

    with transaction.atomic():
        answer = client().request("GET", "status")

    assert answer.status_code == 200
    [logged] = [r for r in caplog.records if r.name == "releasegate.http"]
    assert logged.levelno == logging.ERROR
    assert "inside a database transaction" in logged.getMessage()
