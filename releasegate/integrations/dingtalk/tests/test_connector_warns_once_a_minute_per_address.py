"""A client calling the connector without credentials, in a loop, writes one warning a
minute per address, with how many calls it stands for; another address is warned about
at once. The answers are unchanged: every call is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import url

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("releasegate.integrations.dingtalk.connector.time.monotonic", clock)
    return clock


def unsigned(client: Client, address: str = "203.0.113.7") -> int:
    response = client.post(url("projects"), {}, "application/json", REMOTE_ADDR=address)
    return response.status_code


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "refused a connector call" in r.getMessage()]


def test_many_refused_calls_from_one_address_are_one_warning_with_a_count(
    client: Client, caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    statuses = [unsigned(client) for _ in range(50)]
    clock.now += 30
    statuses += [unsigned(client) for _ in range(10)]
    clock.now += 31
    statuses.append(unsigned(client))

    assert statuses == [401] * 61
    assert not [r for r in caplog.records if r.name == "django.request"]
    first, second = warnings(caplog)
    assert first.startswith("refused a connector call to /dingtalk/connector/projects from ")
    assert "203.0.113.7: missing x-ddpaas-signature" in first
    assert second.endswith(
        "(60 refused from this address since its last warning, a minute or more ago)"
    )


def test_another_address_is_warned_about_at_once(
    client: Client, caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    unsigned(client, "203.0.113.7")
    unsigned(client, "203.0.113.7")
    unsigned(client, "198.51.100.2")

    assert [w.split(" from ")[1].split(":")[0] for w in warnings(caplog)] == [
        "203.0.113.7",
        "198.51.100.2",
    ]
