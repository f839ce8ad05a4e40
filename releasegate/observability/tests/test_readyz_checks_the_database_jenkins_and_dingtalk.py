from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client
from prometheus_client import REGISTRY

from releasegate.observability import health, views
from releasegate.observability.health import Readiness
from releasegate.observability.tests.services import Configure
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

pytestmark = pytest.mark.django_db

WRONG_TOKEN = "wrong-jenkins-token-value"
WRONG_SECRET = "wrong-dingtalk-app-secret"


@pytest.fixture
def client(client: Client) -> Client:
    """An operator's browser: the details (how long, why) are shown to staff only."""
    client.force_login(User.objects.create_user("ops", is_staff=True))
    return client


@pytest.fixture(autouse=True)
def fresh_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every probe runs its checks (none reuses an earlier round)."""
    monkeypatch.setattr(views, "readiness", Readiness(reuse_seconds=0))
    monkeypatch.setattr(views, "readiness_log", views._ReadinessLog())


def probe(client: Client) -> tuple[int, dict[str, Any], str]:
    response = client.get("/readyz")
    return response.status_code, response.json(), response.content.decode()


def calls(service: str, method: str) -> float:
    labels = {"service": service, "method": method}
    return REGISTRY.get_sample_value("releasegate_outbound_requests_total", labels) or 0.0


def test_it_is_ready_when_every_check_passes(
    client: Client, use_services: Configure, jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator
) -> None:
    use_services(jenkins, dingtalk)

    status, body, _ = probe(client)

    assert status == 200
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "jenkins", "dingtalk"}
    for result in body["checks"].values():
        assert result["ok"] is True
        assert result["duration_ms"] >= 0


def test_it_names_jenkins_when_jenkins_is_down(
    client: Client, use_services: Configure, jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator
) -> None:
    use_services(jenkins, dingtalk)
    jenkins.stop()

    status, body, _ = probe(client)

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["failing"] == ["jenkins"]
    assert "connection failed" in body["checks"]["jenkins"]["error"]
    assert body["checks"]["database"]["ok"] and body["checks"]["dingtalk"]["ok"]


def test_an_outage_is_logged_once_as_a_warning_not_an_error_per_probe(
    client: Client,
    use_services: Configure,
    jenkins: JenkinsSimulator,
    dingtalk: DingTalkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_services(jenkins, dingtalk)
    jenkins.stop()

    statuses = [probe(client)[0] for _ in range(3)]

    assert statuses == [503, 503, 503]
    said = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert [entry for entry in said if entry[0] == "django.request"] == []
    (warning,) = [entry for entry in said if entry[0] == "releasegate.readiness"]
    assert warning[1] == "WARNING"
    assert warning[2].startswith("not ready: jenkins: ") and "connection failed" in warning[2]


def test_refused_jenkins_credentials_are_named_without_the_token(
    client: Client, use_services: Configure, jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator
) -> None:
    use_services(jenkins, dingtalk, token=WRONG_TOKEN)

    status, body, text = probe(client)

    assert status == 503
    assert body["failing"] == ["jenkins"]
    assert "refused the credentials" in body["checks"]["jenkins"]["error"]
    assert WRONG_TOKEN not in text
    assert "Traceback" not in text


def test_a_hanging_jenkins_is_given_up_on_within_the_probe_time(
    client: Client,
    use_services: Configure,
    jenkins: JenkinsSimulator,
    dingtalk: DingTalkSimulator,
    monkeypatch: pytest.MonkeyPatch,
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
) -> None:
    use_services(jenkins, dingtalk)
    assert probe(client)[0] == 200  # DingTalk's token is cached from now on
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.5)
    control_of(jenkins).set_faults(timeout_rate=1, timeout_seconds=3)

    status, body, _ = probe(client)

    assert status == 503
    assert body["failing"] == ["jenkins"]
    assert body["checks"]["jenkins"]["duration_ms"] < 1500


def test_it_names_dingtalk_when_dingtalk_is_down(
    client: Client, use_services: Configure, jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator
) -> None:
    use_services(jenkins, dingtalk)
    dingtalk.stop()

    status, body, _ = probe(client)

    assert status == 503
    assert body["failing"] == ["dingtalk"]
    assert body["checks"]["jenkins"]["ok"]


def test_a_refused_app_secret_is_named_without_the_secret(
    client: Client, use_services: Configure, jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator
) -> None:
    use_services(jenkins, dingtalk, app_secret=WRONG_SECRET)

    status, body, text = probe(client)

    assert status == 503
    assert body["failing"] == ["dingtalk"]
    assert "app secret" in body["checks"]["dingtalk"]["error"]
    assert WRONG_SECRET not in text


def test_the_cached_dingtalk_token_serves_later_probes(
    client: Client, use_services: Configure, jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator
) -> None:
    use_services(jenkins, dingtalk)
    assert probe(client)[0] == 200
    token_requests = calls("dingtalk", "POST")

    assert probe(client)[0] == 200

    assert calls("dingtalk", "POST") == token_requests


def test_probes_close_together_share_one_round_of_checks(
    client: Client,
    use_services: Configure,
    jenkins: JenkinsSimulator,
    dingtalk: DingTalkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_services(jenkins, dingtalk)
    monkeypatch.setattr(views, "readiness", Readiness(reuse_seconds=60))
    # This Jenkins' own count: the process-wide metric also counts what a thread left by
    # an earlier test may still be asking of its (stopped) Jenkins.
    before = jenkins.requests.total

    for _ in range(5):
        assert probe(client)[0] == 200

    assert jenkins.requests.total == before + 1


def test_a_database_failure_is_named_without_its_details(
    client: Client,
    use_services: Configure,
    jenkins: JenkinsSimulator,
    dingtalk: DingTalkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_services(jenkins, dingtalk)

    def unreachable() -> None:
        raise OperationalError('password authentication failed for user "releasegate"')

    monkeypatch.setattr(health, "check_database", unreachable)

    status, body, text = probe(client)

    assert status == 503
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["error"] == "the database cannot be used (OperationalError)"
    assert "password" not in text
