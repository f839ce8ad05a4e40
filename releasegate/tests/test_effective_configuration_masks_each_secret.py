"""The effective configuration names every setting and masks each secret, keeping only
the parts of a secret URL that say where ReleaseGate connects."""

from __future__ import annotations

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.config import load
from releasegate.config.effective import NOT_SET, environment_settings, file_settings
from releasegate.config.tests.setting_names import environment_names

REQUIRED = {
    "SECRET_KEY": "s" * 40,
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "jenkins-token-value",
}


def shown(environ: dict[str, str]) -> dict[str, str]:
    return {setting.name: setting.value for setting in environment_settings(load(environ))}


def test_a_sqlite_path_is_shown_whole() -> None:
    values = shown({**REQUIRED, "DATABASE_URL": "sqlite:////var/lib/releasegate/db.sqlite3"})

    assert values["DATABASE_URL"] == "sqlite:////var/lib/releasegate/db.sqlite3"


def test_a_database_password_is_masked_and_the_host_kept() -> None:
    values = shown(
        {**REQUIRED, "DATABASE_URL": "postgres://rg:hunter2x@db:5432/rg?sslmode=require"}
    )

    assert values["DATABASE_URL"] == "postgres://rg:***@db:5432/rg?***"


def test_plain_secrets_are_masked_and_missing_ones_said() -> None:
    values = shown(REQUIRED)

    assert values["SECRET_KEY"] == values["JENKINS_TOKEN"] == "***"
    assert values["JENKINS_PASSWORD"] == NOT_SET
    assert values["JENKINS_URL"] == "https://jenkins.corp.internal/"


def test_unconfigured_dingtalk_is_said_once() -> None:
    assert shown(REQUIRED)["DINGTALK_*"].startswith("(not configured")


def test_tables_of_the_file_stay_one_value() -> None:
    options = {s.name: s.value for s in file_settings(load(REQUIRED))}

    assert options["form.parameters"] == '{"分支或标签": ["BRANCH", "TAG"], "环境": "ENV"}'
    assert options["releases.horizon_days"] == "30"


WECOM = {
    "WECOM_CORP_ID": "wwexamplecorp",
    "WECOM_CORP_SECRET": "wecom-secret-value",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_TEMPLATE_ID": "template-id",
}


def test_every_variable_the_server_reads_is_listed() -> None:
    # Read by `releasegate request` on the user's machine, not by the server.
    client_side = {"RELEASEGATE_URL", "RELEASEGATE_TOKEN"}
    everything = {**REQUIRED, **DEMO_DINGTALK, **DEMO_FEISHU, **WECOM}

    listed = set(shown(everything))
    # Request headers read from a WSGI environ are not settings.
    settings = {name for name in environment_names() if not name.startswith("HTTP_")}

    assert sorted(settings - client_side - listed) == []
