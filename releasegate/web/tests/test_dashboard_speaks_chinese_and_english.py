"""The dashboard speaks Chinese by default; the language switch (Django's set_language)
turns it to English for the person who chose it."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import TextChoices
from django.test import Client
from django.utils import translation

from releasegate.releases.models import (
    ApprovalStatus,
    LocalApprovalStatus,
    NotificationState,
    ReleaseState,
)
from releasegate.web.tests.records import stored_release

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
    source = translations(folder / "django.po")
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)

    assert source and all(source.values())
    assert {
        key: catalog.pgettext(key[0], key[1]) if key[0] else catalog.gettext(key[1])
        for key in source
    } == source


def test_every_text_of_the_pages_has_a_chinese_translation() -> None:
    web = Path(__file__).resolve().parents[1]
    catalogued = translations(web / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    wanted: set[tuple[str, str]] = set()
    for template in (web / "templates").rglob("*.html"):
        text = template.read_text("utf-8")
        for quote in "\"'":
            found = re.findall(
                rf"{{% translate {quote}([^{quote}]+){quote}(?: context \"([^\"]+)\")? %}}", text
            )
            wanted |= {(context, msgid) for msgid, context in found}
        for block in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text):
            wanted.add(("", re.sub(r"{{ (\w+) }}", r"%(\1)s", block)))
    for module in web.rglob("*.py"):
        if "tests" not in module.parts and "migrations" not in module.parts:
            code = module.read_text("utf-8")
            wanted |= {("", m) for m in re.findall(r'\b(?:_|gettext_lazy)\(\s*"([^"]+)"', code)}
            wanted |= set(re.findall(r'\bpgettext(?:_lazy)?\(\s*"([^"]+)",\s*"([^"]+)"', code))

    assert {key for key in wanted if not catalogued.get(key)} == set()


def translations(po: Path) -> dict[tuple[str, str], str]:
    """(context, msgid) → msgstr of a catalog written with --no-wrap; "" for no context."""
    entries = re.findall(
        r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"\nmsgstr "(.*)"$', po.read_text("utf-8"), re.M
    )
    return {
        (context, msgid.replace('\\"', '"')): text.replace('\\"', '"')
        for context, msgid, text in entries
    }


CHINESE = re.compile(r"[\u4e00-\u9fff]")
SHOWN_CHOICES = [ReleaseState, NotificationState, ApprovalStatus, LocalApprovalStatus]


@pytest.mark.parametrize("choices", SHOWN_CHOICES, ids=lambda c: c.__name__)
def test_every_state_shown_has_a_chinese_name(choices: type[TextChoices]) -> None:
    with translation.override("zh-hans"):
        untranslated = [str(label) for label in choices.labels if not CHINESE.search(str(label))]

    assert untranslated == []


def test_the_admin_names_every_model_in_chinese() -> None:
    models = [m for m in apps.get_models() if m.__module__.startswith("releasegate.")]
    with translation.override("zh-hans"):
        names = [(str(m._meta.verbose_name), str(m._meta.verbose_name_plural)) for m in models]

    assert len(names) > 10
    assert [pair for pair in names if not all(CHINESE.search(name) for name in pair)] == []


def test_the_admin_index_lists_the_models_in_chinese(
    client: Client, person: Callable[..., User]
) -> None:
    client.force_login(person("admin", is_staff=True, is_superuser=True))

    page = client.get("/admin/").content.decode()

    assert ">发布</a>" in page and ">通知</a>" in page and ">Releases</a>" not in page


def test_badges_name_states_in_the_readers_language(signed_in: Client) -> None:
    stored_release("inst-1", received_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))

    chinese = signed_in.get("/releases/").content.decode()
    signed_in.cookies["django_language"] = "en"
    english = signed_in.get("/releases/").content.decode()

    badge = r'data-testid="release-state">([^<]+)<'
    assert re.findall(badge, chinese) == ["成功"]
    assert re.findall(badge, english) == ["Succeeded"]
    assert '<option value="RUNNING">运行中</option>' in chinese


def test_the_filter_button_is_the_dashboards_own_word(signed_in: Client) -> None:
    page = signed_in.get("/releases/").content.decode()

    assert 'data-testid="filter-submit">筛选</button>' in page


def test_to_as_a_date_bound_and_to_as_recipients_read_differently(signed_in: Client) -> None:
    release = stored_release("inst-1", received_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))

    filters = signed_in.get("/releases/").content.decode()
    detail = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert re.search(r"<label>结束日期\s*<input type=\"date\" name=\"until\"", filters)
    assert "<th>接收人</th>" in detail and "结束日期" not in detail


def test_each_language_is_named_in_itself(signed_in: Client) -> None:
    signed_in.cookies["django_language"] = "en"

    page = signed_in.get("/releases/").content.decode()

    assert re.findall(r'<option value="([\w-]+)"(?: selected)?>([^<]+)</option>', page)[:2] == [
        ("zh-hans", "中文"),
        ("en", "English"),
    ]
