"""The admin's "effective configuration" page lists every setting the process runs with,
for staff only, and no secret's value ever appears in it."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.config import load
from releasegate.lib.redact import register_secret

pytestmark = pytest.mark.django_db

SECRETS = {
    "SECRET_KEY": "django-secret-key-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "postgres://releasegate:db-pass-6f1e2d@db.internal:5432/releasegate",
    "JENKINS_TOKEN": "jenkins-token-11aa22bb33cc",
    "JENKINS_PASSWORD": "jenkins-password-9z8y7x",
    "DINGTALK_APP_SECRET": "dingtalk-app-secret-5e5e5e",
    "DINGTALK_EVENT_TOKEN": "eventtoken4d4d",
    "DINGTALK_EVENT_AES_KEY": "b" * 43,
    "DINGTALK_CONNECTOR_SECRET": "connector-secret-7c7c7c",
    "DINGTALK_ROBOT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=robot-token-3a3a",
    "DINGTALK_ROBOT_SECRET": "SECrobot-secret-2b2b2b",
}
ADDRESSES = {
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_USER": "releasegate",
    "DINGTALK_APP_KEY": "dingexampleappkey",
    "DINGTALK_AGENT_ID": "1000",
    "DINGTALK_PROCESS_CODE": "PROC-EXAMPLE",
}
# What must never be shown: each secret, and the parts of URLs that carry credentials.
NEVER_SHOWN = [*SECRETS.values(), "db-pass-6f1e2d", "robot-token-3a3a"]


@pytest.fixture
def configured(settings: Settings) -> None:
    settings.CONFIG = load({**SECRETS, **ADDRESSES})
    assert settings.CONFIG.problems == ()


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_user("ops", is_staff=True))
    return client


def test_no_secret_appears_in_the_page(configured: None, staff: Client) -> None:
    response = staff.get("/admin/configuration/")

    assert response.status_code == 200
    page = response.content.decode()
    for secret in NEVER_SHOWN:
        assert secret not in page, secret


def test_every_setting_is_listed_with_what_can_be_shown(configured: None, staff: Client) -> None:
    page = staff.get("/admin/configuration/").content.decode()

    for name in [*SECRETS, *ADDRESSES, "RELEASEGATE_DATA_DIR", "LOG_LEVEL"]:
        assert f"<code>{name}</code>" in page, name
    assert "postgres://releasegate:***@db.internal:5432/releasegate" in page
    assert "https://oapi.dingtalk.com/robot/send?***" in page
    assert "dingexampleappkey" in page
    assert "<code>releases.max_attempts</code>" in page
    assert "<code>form.project</code>" in page


def test_a_secret_that_leaked_into_another_value_is_masked_too(
    settings: Settings, staff: Client
) -> None:
    # Someone pasted a token into a setting that is not a secret.
    leaked = "pasted-token-4f4f4f"
    register_secret(leaked)
    settings.CONFIG = dataclasses.replace(settings.CONFIG, log_level=f"INFO {leaked}")

    assert leaked not in staff.get("/admin/configuration/").content.decode()


def test_the_admin_home_links_to_it(staff: Client) -> None:
    assert 'href="/admin/configuration/"' in staff.get("/admin/").content.decode()


def test_people_who_are_not_staff_are_sent_to_log_in(client: Client) -> None:
    client.force_login(User.objects.create_user("zhangsan"))

    response = client.get("/admin/configuration/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
