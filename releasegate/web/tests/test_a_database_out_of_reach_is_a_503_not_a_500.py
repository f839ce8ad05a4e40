"""While the database cannot be reached, a view that needs it is answered 503 with
`Retry-After` (JSON for the API and the platforms' endpoints, text for people), and the
operator reads one warning a minute saying how many requests it stands for, with no
traceback. Other errors are left to Django."""

from __future__ import annotations

import logging

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from releasegate.lib.log_throttle import WarningThrottle
from releasegate.web import unavailable
from releasegate.web.unavailable import DatabaseUnavailableMiddleware

DOWN = OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unavailable, "_WARNINGS", WarningThrottle(60))


def answered(path: str, exception: Exception) -> HttpResponse | None:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    return middleware.process_exception(RequestFactory().get(path), exception)


def test_the_api_and_the_platforms_get_json_with_retry_after() -> None:
    for path in ("/api/releases", "/dingtalk/events", "/feishu/events", "/wecom/events"):
        answer = answered(path, DOWN)

        assert answer is not None
        assert answer.status_code == 503
        assert answer["Retry-After"] == "5"
        assert answer["Content-Type"] == "application/json"


def test_people_get_a_sentence() -> None:
    answer = answered("/releases/", InterfaceError("connection already closed"))

    assert answer is not None
    assert answer.status_code == 503
    assert answer["Content-Type"].startswith("text/plain")
    assert answer.content.decode()


def test_other_errors_are_left_to_django() -> None:
    assert answered("/releases/", ValueError("a bug")) is None


def test_a_flood_is_one_warning_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="releasegate.web"):
        for _ in range(20):
            answered("/api/releases", DOWN)

    [warning] = caplog.records
    assert "1 request(s) answered 503" in warning.getMessage()
    assert "port 5432 failed" in warning.getMessage()
    assert warning.exc_info is None
