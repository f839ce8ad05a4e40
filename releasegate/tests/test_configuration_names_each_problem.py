from __future__ import annotations

from pathlib import Path

from releasegate.config import Config, load

DINGTALK = {
    "DINGTALK_APP_KEY": "dingappkey",
    "DINGTALK_APP_SECRET": "app-secret",
    "DINGTALK_AGENT_ID": "41605932",
    "DINGTALK_PROCESS_CODE": "PROC-RELEASE",
    "DINGTALK_EVENT_TOKEN": "mryue",
    "DINGTALK_EVENT_AES_KEY": "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "DINGTALK_CONNECTOR_SECRET": "connector-secret",
}
VALID_WITHOUT_DINGTALK = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "11aa22bb33cc",
}
VALID = {**VALID_WITHOUT_DINGTALK, **DINGTALK}


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

    # No approval platform's settings are required: each is off until they are given.
    assert set(found) == {"SECRET_KEY", "JENKINS_URL", "JENKINS_USER", "JENKINS_TOKEN"}
    assert load({}).dingtalk is None


def test_one_dingtalk_setting_turns_dingtalk_on_and_names_the_rest() -> None:
    found = problems(load({"DINGTALK_APP_KEY": "dingtestappkey"}))

    assert {name for name in found if name.startswith("DINGTALK_")} == {
        "DINGTALK_APP_SECRET",
        "DINGTALK_AGENT_ID",
        "DINGTALK_PROCESS_CODE",
        "DINGTALK_CONNECTOR_SECRET",
    }


def test_a_dingtalk_setting_given_empty_leaves_dingtalk_off() -> None:
    config = load({**VALID_WITHOUT_DINGTALK, "DINGTALK_APP_KEY": " "})

    assert (config.dingtalk, config.problems) == (None, ())


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
    found = problems(load({**VALID, "JENKINS_URL": "https://u:p@jenkins.corp.internal/"}))
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


def test_dingtalk_settings_are_read_with_their_defaults() -> None:
    config = load(VALID)

    assert config.dingtalk is not None
    assert config.dingtalk.agent_id == 41605932
    assert config.dingtalk.connector_auth == "apisecret"
    assert config.dingtalk.api_base == "https://api.dingtalk.com"
    assert config.dingtalk.oapi_base == "https://oapi.dingtalk.com"


def test_dingtalk_keys_are_checked_for_their_shape() -> None:
    found = problems(
        load(
            {
                **VALID,
                "DINGTALK_EVENT_AES_KEY": "too-short",
                "DINGTALK_EVENT_TOKEN": "x",
                "DINGTALK_AGENT_ID": "agent",
                "DINGTALK_CONNECTOR_AUTH": "oauth",
                "DINGTALK_API_BASE": "api.dingtalk.com",
            }
        )
    )

    assert "43 letters and digits" in found["DINGTALK_EVENT_AES_KEY"]
    assert "3-32 letters and digits" in found["DINGTALK_EVENT_TOKEN"]
    assert "not a number" in found["DINGTALK_AGENT_ID"]
    assert "apisecret, basic or none" in found["DINGTALK_CONNECTOR_AUTH"]
    assert "DINGTALK_API_BASE" in found


def test_basic_connector_auth_needs_user_and_password() -> None:
    basic = {**VALID, "DINGTALK_CONNECTOR_AUTH": "basic"}

    assert (
        "user:password"
        in problems(load({**basic, "DINGTALK_CONNECTOR_SECRET": "only"}))[
            "DINGTALK_CONNECTOR_SECRET"
        ]
    )
    config = load({**basic, "DINGTALK_CONNECTOR_SECRET": "dingtalk:pa55"})
    assert config.dingtalk is not None
    assert config.dingtalk.connector_basic == ("dingtalk", "pa55")
    no_auth = load({**VALID, "DINGTALK_CONNECTOR_AUTH": "none", "DINGTALK_CONNECTOR_SECRET": ""})
    assert no_auth.problems == ()


def test_the_group_robot_needs_its_webhook_url_and_a_signing_secret() -> None:
    assert "DINGTALK_ROBOT_WEBHOOK" in problems(
        load({**VALID, "DINGTALK_ROBOT_WEBHOOK": "https://oapi.dingtalk.com/robot/send"})
    )
    assert "DINGTALK_ROBOT_SECRET" in problems(
        load(
            {
                **VALID,
                "DINGTALK_ROBOT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=x",
                "DINGTALK_ROBOT_SECRET": "nope",
            }
        )
    )


def test_problems_know_the_area_they_belong_to() -> None:
    areas = {
        p.setting: p.area
        for p in load({"DATABASE_URL": "mysql://x/y", "DINGTALK_AGENT_ID": "1"}).problems
    }

    assert areas["DINGTALK_APP_KEY"] == "dingtalk"
    assert areas["JENKINS_URL"] == "jenkins"
    assert areas["DATABASE_URL"] == "core"


def test_release_windows_and_freezes_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text(
        '[releases]\ntimezone = "Mars/Olympus"\n'
        '[[releases.windows]]\ndays = ["mon", "someday"]\nstart = "18:00"\nend = "09:00"\n'
    )

    found = problems(load({**VALID, "RELEASEGATE_CONFIG": str(path)}))

    assert "releasegate.toml: releases.timezone" in found
    assert "releasegate.toml: releases.windows.0.days.1" in found
    path.write_text('[[releases.windows]]\nstart = "18:00"\nend = "09:00"\n')
    reversed_window = problems(load({**VALID, "RELEASEGATE_CONFIG": str(path)}))
    assert "must be before end" in reversed_window["releasegate.toml: releases.windows.0"]


def test_event_push_settings_come_in_pairs_or_not_at_all() -> None:
    without = {k: v for k, v in VALID.items() if not k.startswith("DINGTALK_EVENT_")}
    stream_only = load(without)
    assert stream_only.problems == ()
    assert stream_only.dingtalk is not None
    assert not stream_only.dingtalk.event_push

    found = problems(load({**without, "DINGTALK_EVENT_TOKEN": "mryue"}))
    assert "event push needs it too" in found["DINGTALK_EVENT_AES_KEY"]


def test_the_form_mapping_is_read_where_earlier_versions_kept_it(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text('[dingtalk]\ntimeout_seconds = 5\n[dingtalk.form]\nproject = "项目"\n')

    config = load({**VALID, "RELEASEGATE_CONFIG": str(path)})

    assert config.problems == ()
    assert (config.options.form.project, config.options.dingtalk.timeout_seconds) == ("项目", 5)


def test_a_form_mapping_given_twice_is_named(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text('[form]\nproject = "项目"\n[dingtalk.form]\nproject = "项目名称"\n')

    found = problems(load({**VALID, "RELEASEGATE_CONFIG": str(path)}))

    assert "given twice" in found["releasegate.toml"]
