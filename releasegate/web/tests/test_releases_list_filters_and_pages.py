"""The releases list: newest first, filtered by state, project, application, person and
date, paginated; a bad filter value is named in a message, never a server error."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.releases.models import Release, ReleaseState
from releasegate.web.tests.records import stored_release
from releasegate.web.views.releases import PAGE_SIZE

pytestmark = pytest.mark.django_db

# 2026-11-25 10:00 in Shanghai, the dashboard's time zone.
MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def releases() -> None:
    stored_release("order-ok", received_at=MORNING)
    stored_release(
        "inventory-failed",
        received_at=MORNING + timedelta(days=1),
        state=ReleaseState.FAILED,
        application="mall/inventory-service",
        originator="lisi",
        approvers=("wangwu",),
    )
    stored_release(
        "gateway-scheduled",
        received_at=MORNING + timedelta(days=2),
        state=ReleaseState.SCHEDULED,
        project="payment",
        application="payment/gateway",
        originator="zhaoliu",
        approvers=("manager4220", "周七"),
    )


def listed(client: Client, query: str = "") -> list[str]:
    """The listed releases' approval instance ids, top to bottom."""
    page = client.get(f"/releases/?{query}")
    assert page.status_code == 200
    ids = [int(i) for i in re.findall(r'data-release-id="(\d+)"', page.content.decode())]
    by_id = dict(Release.objects.values_list("pk", "approval__instance_id"))
    return [by_id[i] for i in ids]


def problems(client: Client, query: str) -> str:
    page = client.get(f"/releases/?{query}")
    assert page.status_code == 200
    found = re.search(r'data-testid="filter-problems">(.*?)</ul>', page.content.decode(), re.S)
    return found.group(1) if found else ""


@pytest.mark.usefixtures("releases")
def test_it_lists_the_newest_first(signed_in: Client) -> None:
    assert listed(signed_in) == ["gateway-scheduled", "inventory-failed", "order-ok"]


@pytest.mark.usefixtures("releases")
def test_it_filters_by_state(signed_in: Client) -> None:
    assert listed(signed_in, "state=FAILED") == ["inventory-failed"]


@pytest.mark.usefixtures("releases")
def test_it_filters_by_project(signed_in: Client) -> None:
    assert listed(signed_in, "project=payment") == ["gateway-scheduled"]


@pytest.mark.usefixtures("releases")
def test_it_filters_by_application_by_part_of_its_name(signed_in: Client) -> None:
    assert listed(signed_in, "application=inventory") == ["inventory-failed"]


@pytest.mark.usefixtures("releases")
def test_it_finds_a_person_who_asked_or_approved_by_dingtalk_id(signed_in: Client) -> None:
    assert listed(signed_in, "person=lisi") == ["inventory-failed", "order-ok"]
    assert listed(signed_in, "person=wangwu") == ["inventory-failed", "order-ok"]
    assert listed(signed_in, "person=manager4220") == ["gateway-scheduled"]
    assert listed(signed_in, "person=周七") == ["gateway-scheduled"]
    assert listed(signed_in, "person=manager42") == []


@pytest.mark.usefixtures("releases")
def test_it_finds_a_person_by_their_name_or_login(
    signed_in: Client, person: Callable[..., User]
) -> None:
    person("zhouqi", "manager4220", first_name="周", last_name="七七")

    assert listed(signed_in, "person=七七") == ["gateway-scheduled"]
    assert listed(signed_in, "person=ZhouQi") == ["gateway-scheduled"]


@pytest.mark.usefixtures("releases")
def test_it_filters_by_days_in_the_dashboards_time_zone(signed_in: Client) -> None:
    assert listed(signed_in, "since=2026-11-26") == ["gateway-scheduled", "inventory-failed"]
    assert listed(signed_in, "until=2026-11-26") == ["inventory-failed", "order-ok"]
    assert listed(signed_in, "since=2026-11-26&until=2026-11-26") == ["inventory-failed"]


@pytest.mark.usefixtures("releases")
def test_filters_combine(signed_in: Client) -> None:
    assert listed(signed_in, "project=mall&person=wangwu&state=SUCCEEDED") == ["order-ok"]


@pytest.mark.usefixtures("releases")
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("state=DONE", "State"),
        ("since=yesterday", "From"),
        ("until=2026-13-40", "To"),
        ("since=2026-11-27&until=2026-11-26", "To"),
        ("page=-1", "Page"),
        ("page=0", "Page"),
        ("page=%C2%B2", "Page"),
        ("person=" + "x" * 200, "Person"),
    ],
)
def test_a_bad_value_is_named_and_the_page_still_answers(
    signed_in: Client, query: str, named: str
) -> None:
    signed_in.cookies["django_language"] = "en"

    said = problems(signed_in, query)

    assert said.strip().startswith(f"<li>{named}:")


@pytest.mark.usefixtures("releases")
def test_the_other_filters_still_apply_beside_a_bad_one(signed_in: Client) -> None:
    assert listed(signed_in, "state=DONE&project=payment") == ["gateway-scheduled"]


def test_it_pages_the_list(signed_in: Client) -> None:
    for n in range(PAGE_SIZE + 3):
        stored_release(f"inst-{n:03d}", received_at=MORNING + timedelta(minutes=n))

    first, second = listed(signed_in), listed(signed_in, "page=2")

    assert len(first) == PAGE_SIZE
    assert first[0] == f"inst-{PAGE_SIZE + 2:03d}"
    assert second == ["inst-002", "inst-001", "inst-000"]
    assert listed(signed_in, "page=99") == second
    assert listed(signed_in, "page=" + "9" * 5000) == second


def test_a_page_links_to_the_older_one_only_when_there_is_one(signed_in: Client) -> None:
    for n in range(PAGE_SIZE + 1):
        stored_release(f"inst-{n:03d}", received_at=MORNING + timedelta(minutes=n))
    signed_in.cookies["django_language"] = "en"

    first = signed_in.get("/releases/").content.decode()
    second = signed_in.get("/releases/?page=2").content.decode()

    assert 'data-testid="page-next"' in first
    assert 'data-testid="page-previous"' not in first
    assert "Page 1" in first
    assert 'data-testid="page-next"' not in second
    assert 'data-testid="page-previous"' in second


def test_a_short_list_has_no_page_links(signed_in: Client) -> None:
    for n in range(PAGE_SIZE):
        stored_release(f"inst-{n:03d}", received_at=MORNING + timedelta(minutes=n))

    page = signed_in.get("/releases/").content.decode()

    assert 'data-testid="pagination"' not in page
