"""A TOML example anywhere in docs/ is something people paste: each must load as a
configuration file as it is."""

from __future__ import annotations

import re
import tomllib

import pytest

from releasegate.config import FileConfig
from releasegate.config.tests.setting_names import REPOSITORY

_TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXAMPLES = [
    pytest.param(block, id=f"{page.name}#{number}")
    for page in sorted((REPOSITORY / "docs").glob("*.md"))
    for number, block in enumerate(_TOML_BLOCK.findall(page.read_text(encoding="utf-8")), 1)
]


def test_the_docs_have_toml_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("block", EXAMPLES)
def test_the_example_loads_as_a_configuration_file(block: str) -> None:
    FileConfig.model_validate(tomllib.loads(block))
