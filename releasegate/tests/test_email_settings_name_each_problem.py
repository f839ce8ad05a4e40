"""E-mail (how ReleaseGate's own approvals reach people no chat platform reaches) is off
until EMAIL_HOST is set; its settings are Django's, each problem named by its variable,
and the password is never shown."""

from __future__ import annotations

from releasegate.config import load
from releasegate.config.effective import environment_settings

VALID = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "11aa22bb33cc",
}
SMTP = {
    "EMAIL_HOST": "smtp.example.com",
    "EMAIL_PORT": "587",
    "EMAIL_HOST_USER": "releasegate",
    "EMAIL_HOST_PASSWORD": "smtp-password-value",
    "EMAIL_USE_TLS": "1",
    "DEFAULT_FROM_EMAIL": "ReleaseGate <releasegate@example.com>",
}


def test_without_a_host_nobody_is_mailed() -> None:
    email = load(VALID).email

    assert not email.enabled
    assert (email.port, email.use_tls) == (25, False)


def test_the_smtp_settings_are_read() -> None:
    config = load({**VALID, **SMTP})

    assert config.problems == ()
    email = config.email
    assert email.enabled
    assert (email.host, email.port, email.user, email.use_tls, email.use_ssl) == (
        "smtp.example.com",
        587,
        "releasegate",
        True,
        False,
    )
    assert email.from_address == "ReleaseGate <releasegate@example.com>"
    assert "smtp-password-value" not in repr(config)


def test_each_problem_is_named_by_its_variable() -> None:
    config = load({**VALID, "EMAIL_PORT": "smtp", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "yes"})

    found = {problem.setting: problem.message for problem in config.problems}
    assert found == {
        "EMAIL_PORT": "'smtp' is not a port number",
        "EMAIL_USE_SSL": "set EMAIL_USE_TLS or EMAIL_USE_SSL, not both",
    }


def test_the_effective_configuration_masks_the_password() -> None:
    shown = {s.name: s.value for s in environment_settings(load({**VALID, **SMTP}))}

    assert shown["EMAIL_HOST"] == "smtp.example.com"
    assert shown["EMAIL_HOST_PASSWORD"] == "***"


def test_the_dashboards_address_must_be_a_web_address() -> None:
    wrong = load({**VALID, "RELEASEGATE_PUBLIC_URL": "releasegate.example.com"})
    right = load({**VALID, "RELEASEGATE_PUBLIC_URL": "https://releasegate.example.com"})

    assert [p.setting for p in wrong.problems] == ["RELEASEGATE_PUBLIC_URL"]
    assert right.public_url == "https://releasegate.example.com/"
