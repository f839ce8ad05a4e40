from __future__ import annotations

import base64
import dataclasses
import json
import time

import pytest
from django.conf import settings
from django.test import Client

from releasegate.config.dingtalk import ConnectorAuth
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import (
    ACTIONS,
    call,
    signed,
    url,
)
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db

SECRET = "test-connector-secret"
BODIES = {
    "projects": {},
    "applications": {"project": "mall"},
    "parameters": {"application": "mall/web-frontend"},
    "validate": {"project": "mall", "application": "mall/web-frontend"},
    "approved": {"instance_id": "inst-1"},
}


def use_auth(monkeypatch: pytest.MonkeyPatch, auth: ConnectorAuth, secret: str = "") -> None:
    dingtalk = settings.CONFIG.dingtalk
    assert dingtalk is not None
    changed = dataclasses.replace(dingtalk, connector_auth=auth, connector_secret=secret)
    monkeypatch.setattr(settings, "CONFIG", dataclasses.replace(settings.CONFIG, dingtalk=changed))


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def assert_refused(status: int, answer: dict[str, str], reason: str) -> None:
    assert status == 401
    assert answer == {"error": f"connector authentication failed: {reason}"}
    assert SECRET not in json.dumps(answer)
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_refuses_a_call_without_the_signature(client: Client, action: str) -> None:
    status, answer = call(client, action, BODIES[action], headers={})

    assert_refused(status, answer, "missing x-ddpaas-signature-timestamp or x-ddpaas-signature")


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_refuses_a_forged_signature(client: Client, action: str) -> None:
    status, answer = call(client, action, BODIES[action], headers=signed("guessed-secret"))

    assert_refused(status, answer, "signature mismatch")


def test_a_stale_timestamp_is_refused_even_when_correctly_signed(client: Client) -> None:
    stale = str(int(time.time()) - 301)

    status, answer = call(client, "approved", BODIES["approved"], headers=signed(SECRET, stale))

    assert_refused(status, answer, "timestamp outside the allowed window (stale or replayed)")


def test_a_timestamp_in_milliseconds_is_accepted(client: Client) -> None:
    millis = str(int(time.time() * 1000))

    status, _ = call(client, "projects", {}, headers=signed(SECRET, millis))

    assert status == 200


def test_a_signature_for_another_timestamp_is_refused(client: Client) -> None:
    headers = signed(SECRET)
    headers["x-ddpaas-signature-timestamp"] = str(int(time.time()) - 1)

    status, answer = call(client, "projects", {}, headers=headers)

    assert_refused(status, answer, "signature mismatch")


def test_a_header_that_is_not_ascii_is_refused_not_an_error(client: Client) -> None:
    response = client.post(
        url("projects"),
        "{}",
        content_type="application/json",
        HTTP_X_DDPAAS_SIGNATURE_TIMESTAMP=str(int(time.time())),
        HTTP_X_DDPAAS_SIGNATURE="签名",
    )

    assert_refused(response.status_code, response.json(), "x-ddpaas headers are not ASCII")


def test_basic_auth_accepts_the_configured_user(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_auth(monkeypatch, "basic", "dingtalk:s3cret")

    status, _ = call(client, "projects", {}, headers=basic("dingtalk", "s3cret"))

    assert status == 200


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing Basic authorization"),
        (basic("dingtalk", "wrong"), "wrong user or password"),
        ({"Authorization": "Basic %%%"}, "malformed Basic authorization"),
        (signed(), "missing Basic authorization"),
    ],
)
def test_basic_auth_refuses_anything_else(
    client: Client, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], reason: str
) -> None:
    use_auth(monkeypatch, "basic", "dingtalk:s3cret")

    response = client.post(
        url("approved"), BODIES["approved"], content_type="application/json", headers=headers
    )

    assert_refused(response.status_code, response.json(), reason)
    assert response["WWW-Authenticate"] == 'Basic realm="releasegate-connector"'
    assert "s3cret" not in response.content.decode()


def test_no_auth_is_only_what_was_configured(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_auth(monkeypatch, "none")

    status, answer = call(client, "approved", BODIES["approved"], headers={})

    assert (status, answer["accepted"]) == (200, True)


def test_without_dingtalk_settings_every_call_is_refused_cleanly(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "CONFIG", dataclasses.replace(settings.CONFIG, dingtalk=None))

    status, answer = call(client, "approved", BODIES["approved"], headers=signed(SECRET))

    assert (status, answer) == (503, {"error": "DingTalk is not configured on this server"})
    assert not InboundEvent.objects.exists()
