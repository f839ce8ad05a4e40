"""The dashboard speaks Chinese by default; the language switch (Django's set_language)
turns it to English for the person who chose it."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_speaks_chinese_by_default(signed_in: Client) -> None:
    page = signed_in.get("/releases/").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "发布记录" in page
    assert "没有符合条件的发布。" in page


def test_the_login_page_is_in_chinese_too(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()

    assert "登录" in page and "密码" in page


def test_the_language_switch_shows_english(signed_in: Client) -> None:
    response = signed_in.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"

    page = signed_in.get("/releases/").content.decode()

    assert '<html lang="en">' in page
    assert "No releases match." in page
    assert "发布记录" not in page


def test_switching_back_shows_chinese_again(signed_in: Client) -> None:
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/releases/"})
    signed_in.post("/i18n/setlang/", {"language": "zh-hans", "next": "/releases/"})

    assert "发布记录" in signed_in.get("/releases/").content.decode()


def test_messages_from_the_code_are_translated(signed_in: Client) -> None:
    page = signed_in.get("/releases/?page=x").content.decode()

    assert "页码：x 不是有效的页码。" in page


def test_a_page_outside_the_site_is_not_a_place_to_go_back_to(
    client: Client, person: Callable[..., User]
) -> None:
    client.force_login(person("zhangsan", "zhangsan"))

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"}
    )

    assert not response["Location"].startswith("https://evil.example.com")


def test_the_compiled_catalog_matches_its_source() -> None:
    folder = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"
    source = (folder / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.M)
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)

    assert pairs and all(translated for _, translated in pairs)
    assert {catalog.gettext(msgid.replace('\\"', '"')) for msgid, _ in pairs} == {
        translated.replace('\\"', '"') for _, translated in pairs
    }


def test_every_text_of_the_pages_is_in_the_catalog() -> None:
    web = Path(__file__).resolve().parents[1]
    source = (web / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    catalogued = {m.replace('\\"', '"') for m in re.findall(r'^msgid "(.+)"$', source, re.M)}
    wanted: set[str] = set()
    for template in (web / "templates").rglob("*.html"):
        text = template.read_text("utf-8")
        wanted |= set(re.findall(r'{% translate "([^"]+)" %}', text))
        wanted |= set(re.findall(r"{% translate '([^']+)' %}", text))
        for block in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text):
            wanted.add(re.sub(r"{{ (\w+) }}", r"%(\1)s", block))
    for module in web.rglob("*.py"):
        if "tests" not in module.parts and "migrations" not in module.parts:
            code = module.read_text("utf-8")
            wanted |= set(re.findall(r'\b(?:_|gettext_lazy)\(\s*"([^"]+)"', code))

    assert wanted - catalogued == set()
