"""The README's Docs section is how people find the guides: it must link every page in
docs/, and no link in the README or the guides may point at a file that is not there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from releasegate.config.tests.setting_names import REPOSITORY

DOCS = REPOSITORY / "docs"
README = REPOSITORY / "README.md"
# [text](target) where the target is not a web address or an anchor on the same page.
_RELATIVE_LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s]+)\)")
PAGES = sorted(DOCS.glob("*.md"))


def docs_section() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Docs\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Docs' section"
    return match.group(1)


def test_the_readme_docs_section_links_every_page() -> None:
    linked = {
        (README.parent / target).resolve() for target in _RELATIVE_LINK.findall(docs_section())
    }

    missing = [page.name for page in PAGES if page.resolve() not in linked]

    assert missing == [], f"not linked from README.md's Docs section: {missing}"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda page: page.name)
def test_every_relative_link_points_at_a_file_that_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    targets = [target.split("#", 1)[0] for target in _RELATIVE_LINK.findall(text)]

    broken = [target for target in targets if not (page.parent / target).exists()]

    assert broken == [], f"{page.name} links to missing files: {broken}"
