from __future__ import annotations

from pathlib import Path

from releasegate.config import Config, load

VALID = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "https://jenkins.example.com/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "11aa22bb33cc",
}


def problems(config: Config) -> dict[str, str]:
    return {problem.setting: problem.message for problem in config.problems}


def test_a_complete_environment_has_no_problems(tmp_path: Path) -> None:
    config = load({**VALID, "RELEASEGATE_DATA_DIR": str(tmp_path)})

    assert config.problems == ()
    assert config.database_url == f"sqlite:///{tmp_path / 'releasegate.sqlite3'}"
    assert config.jenkins is not None
    assert config.jenkins.token == "11aa22bb33cc"
    assert not config.debug


def test_an_empty_environment_names_every_missing_setting() -> None:
    found = problems(load({}))

    assert set(found) == {"SECRET_KEY", "JENKINS_URL", "JENKINS_USER", "JENKINS_TOKEN"}


def test_a_short_secret_key_is_refused() -> None:
    assert "SECRET_KEY" in problems(load({**VALID, "SECRET_KEY": "short"}))


def test_the_demo_reads_its_generated_secret_key(tmp_path: Path) -> None:
    (tmp_path / "demo-secret-key").write_text("d" * 50)
    environ = {k: v for k, v in VALID.items() if k != "SECRET_KEY"}

    config = load({**environ, "RELEASEGATE_DEMO": "1", "RELEASEGATE_DATA_DIR": str(tmp_path)})

    assert config.problems == ()
    assert config.secret_key == "d" * 50


def test_jenkins_urls_must_be_http_and_carry_no_credentials() -> None:
    assert "JENKINS_URL" in problems(load({**VALID, "JENKINS_URL": "ftp://jenkins"}))
    found = problems(load({**VALID, "JENKINS_URL": "https://u:p@jenkins.example.com/"}))
    assert "must not contain credentials" in found["JENKINS_URL"]


def test_a_password_can_stand_in_for_the_token() -> None:
    environ = {k: v for k, v in VALID.items() if k != "JENKINS_TOKEN"}

    config = load({**environ, "JENKINS_PASSWORD": "pw-1234"})

    assert config.problems == ()
    assert config.jenkins is not None
    assert config.jenkins.password == "pw-1234"


def test_unsupported_databases_are_named() -> None:
    assert "DATABASE_URL" in problems(load({**VALID, "DATABASE_URL": "mysql://db/x"}))
    assert "DATABASE_URL" in problems(load({**VALID, "DATABASE_URL": "nonsense"}))
    assert problems(load({**VALID, "DATABASE_URL": "postgres://postgres@127.0.0.1/test"})) == {}


def test_yes_no_settings_refuse_other_words() -> None:
    found = problems(load({**VALID, "RELEASEGATE_DEBUG": "maybe"}))

    assert "RELEASEGATE_DEBUG" in found


def test_the_config_file_is_validated_with_the_names_of_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text('[catalog]\ninclde = ["mall/*"]\n[jenkins]\ntimeout_seconds = -1\n')

    found = problems(load({**VALID, "RELEASEGATE_CONFIG": str(path)}))

    assert "releasegate.toml: catalog.inclde" in found
    assert "releasegate.toml: jenkins.timeout_seconds" in found


def test_a_config_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[catalog\n")

    assert "RELEASEGATE_CONFIG" in problems(load({**VALID, "RELEASEGATE_CONFIG": str(path)}))
    missing = str(tmp_path / "missing.toml")
    assert "RELEASEGATE_CONFIG" in problems(load({**VALID, "RELEASEGATE_CONFIG": missing}))


def test_the_config_file_sets_catalog_and_jenkins_options(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text(
        '[catalog]\ninclude = ["mall/*"]\nexclude = ["mall/legacy-*"]\n'
        '[catalog.project_names]\nmall = "商城 (线上)"\n'
        "[jenkins]\ntimeout_seconds = 5\nfolder_levels_per_request = 3\n"
    )

    config = load({**VALID, "RELEASEGATE_CONFIG": str(path)})

    assert config.problems == ()
    assert config.options.catalog.include == ["mall/*"]
    assert config.options.catalog.project_names == {"mall": "商城 (线上)"}
    assert config.options.jenkins.folder_levels_per_request == 3
