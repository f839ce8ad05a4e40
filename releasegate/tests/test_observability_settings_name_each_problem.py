from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.config import load
from releasegate.tests.cli import releasegate

VALID = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "11aa22bb33cc",
    **DEMO_DINGTALK,
}


def test_logs_are_plain_and_metrics_open_by_default() -> None:
    config = load(VALID)

    assert config.problems == ()
    assert config.observability.log_format == "plain"
    assert config.observability.metrics_token == ""


def test_json_logs_and_a_metrics_token_are_read() -> None:
    config = load({**VALID, "LOG_FORMAT": "JSON", "METRICS_TOKEN": "m" * 32})

    assert config.problems == ()
    assert config.observability.log_format == "json"
    assert config.observability.metrics_token == "m" * 32


def test_an_unknown_log_format_is_named() -> None:
    found = {p.setting: p.message for p in load({**VALID, "LOG_FORMAT": "xml"}).problems}

    assert found == {"LOG_FORMAT": "'xml' is not plain or json"}


def test_a_short_metrics_token_is_refused() -> None:
    found = {p.setting for p in load({**VALID, "METRICS_TOKEN": "short"}).problems}

    assert found == {"METRICS_TOKEN"}


def test_the_metrics_token_stays_out_of_the_configurations_repr() -> None:
    config = load({**VALID, "METRICS_TOKEN": "metrics-token-never-shown"})

    assert "metrics-token-never-shown" not in repr(config)


def test_check_names_both_settings_and_shows_no_token(tmp_path: Path) -> None:
    env = {**VALID, "LOG_FORMAT": "yaml", "METRICS_TOKEN": "tiny-token"}

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "LOG_FORMAT: 'yaml' is not plain or json" in result.stdout
    assert "METRICS_TOKEN: must be at least 16 characters" in result.stdout
    assert "tiny-token" not in result.stdout + result.stderr
