"""docs/configuration.md is the one place a user learns the settings: it must name every
environment variable the code reads and show every option of the TOML file, and what it
shows must be real."""

from __future__ import annotations

import re
import tomllib

from releasegate.config.tests.setting_names import (
    REPOSITORY,
    environment_names,
    option_paths,
    paths_in,
)

CONFIGURATION = REPOSITORY / "docs" / "configuration.md"
_TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)
_TABLE_ROW_NAME = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|", re.MULTILINE)


def documented_toml() -> list[dict[str, object]]:
    blocks = _TOML_BLOCK.findall(CONFIGURATION.read_text(encoding="utf-8"))
    return [tomllib.loads(block) for block in blocks]


def test_the_collector_finds_settings_read_in_every_way() -> None:
    names = environment_names()

    # Read by the loader, through a helper, conditionally, and by a command directly.
    assert {"SECRET_KEY", "DINGTALK_APP_KEY", "DINGTALK_ROBOT_SECRET"} <= names
    assert "RELEASEGATE_DATA_DIR" in names
    assert {"releases.inputs.input_id", "catalog.project_names"} <= option_paths()


def test_every_environment_variable_is_in_the_configuration_page() -> None:
    text = CONFIGURATION.read_text(encoding="utf-8")

    missing = sorted(name for name in environment_names() if f"`{name}`" not in text)

    assert missing == [], f"docs/configuration.md does not describe {missing}"


def test_every_variable_the_page_lists_is_one_the_code_reads() -> None:
    listed = set(_TABLE_ROW_NAME.findall(CONFIGURATION.read_text(encoding="utf-8")))

    assert listed, "the environment table was not found"
    assert sorted(listed - environment_names()) == []


def test_the_toml_examples_show_every_option() -> None:
    shown: set[str] = set()
    for block in documented_toml():
        shown |= paths_in(block)

    assert sorted(option_paths() - shown) == []
