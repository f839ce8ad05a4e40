"""The connector actions and the event push refuse a body above the configured size
(413) and a client above the configured rate (429 with Retry-After), before reading the
body or checking a signature, and store nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from releasegate.config import load
from releasegate.config.public import PublicLimits
from releasegate.integrations import guard
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import ACTIONS, signed, url
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [url(action) for action in ACTIONS] + ["/dingtalk/events", "/dingtalk/card"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    moved = Clock()
    monkeypatch.setattr(guard, "clock", moved)
    monkeypatch.setattr(guard, "_limiters", {})
    yield moved


def limit(
    monkeypatch: pytest.MonkeyPatch,
    *,
    max_body_bytes: int = 65536,
    rate_per_second: float = 0,
    burst: int = 1,
) -> PublicLimits:
    limits = PublicLimits(max_body_bytes, rate_per_second, burst)
    monkeypatch.setattr(settings, "CONFIG", dataclasses.replace(settings.CONFIG, public=limits))
    return limits


def post(client: Client, path: str, body: str = "{}", address: str = "203.0.113.7") -> Any:
    return client.post(
        path, body, content_type="application/json", headers=signed(), REMOTE_ADDR=address
    )


@pytest.mark.parametrize("path", PUBLIC_URLS)
def test_a_body_above_the_limit_is_a_413_before_anything_else(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    limit(monkeypatch, max_body_bytes=2048)
    body = '{"instance_id": "i", "form": {"x": "' + "x" * 2048 + '"}}'

    response = client.post(path, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"error": "body too large: at most 2048 bytes", "field": "body"}
    assert "refused" in caplog.text and path in caplog.text
    assert not InboundEvent.objects.exists()


def test_a_body_at_the_limit_is_read(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    limit(monkeypatch, max_body_bytes=1024)
    body = '{"instance_id": "inst-1", "form": {"x": "' + "x" * 980 + '"}}'
    assert len(body) == 1024

    response = post(client, url("approved"), body)

    assert response.status_code == 200
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize("path", PUBLIC_URLS)
def test_a_client_over_the_rate_gets_429_with_retry_after(
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    limit(monkeypatch, rate_per_second=2, burst=3)

    statuses = [post(client, path).status_code for _ in range(5)]
    refused = post(client, path)

    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert "too many requests" in refused.json()["error"]
    assert caplog.text.count("rate limited 203.0.113.7") == 1


def test_other_clients_are_not_held_back_and_tokens_come_back(
    client: Client, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    limit(monkeypatch, rate_per_second=1, burst=1)
    path = url("projects")

    first = post(client, path).status_code
    again = post(client, path).status_code
    other = post(client, path, address="198.51.100.1").status_code
    clock.now += 1
    later = post(client, path).status_code

    assert (first, again, other, later) == (200, 429, 200, 200)


def test_a_rate_of_zero_turns_the_limit_off(
    client: Client, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    limit(monkeypatch, rate_per_second=0, burst=1)

    statuses = {post(client, url("projects")).status_code for _ in range(5)}

    assert statuses == {200}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RELEASEGATE_MAX_BODY_BYTES", "lots"),
        ("RELEASEGATE_MAX_BODY_BYTES", "10"),
        ("RELEASEGATE_RATE_LIMIT", "-1"),
        ("RELEASEGATE_RATE_LIMIT", "inf"),
        ("RELEASEGATE_RATE_BURST", "0"),
    ],
)
def test_a_limit_that_makes_no_sense_is_a_problem_naming_the_setting(name: str, value: str) -> None:
    problems = load({name: value}).problems

    assert name in [problem.setting for problem in problems]


def test_the_limits_are_read_from_the_environment() -> None:
    config = load(
        {
            "RELEASEGATE_MAX_BODY_BYTES": "4096",
            "RELEASEGATE_RATE_LIMIT": "2.5",
            "RELEASEGATE_RATE_BURST": "10",
        }
    )

    assert config.public == PublicLimits(max_body_bytes=4096, rate_per_second=2.5, burst=10)
