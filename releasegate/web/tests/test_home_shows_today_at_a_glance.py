"""The dashboard's home shows today at a glance: what runs now, what is scheduled next,
the failures of the last days and each application's last release. Times are relative
to the real clock here, since the page reads it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from releasegate.releases.models import ReleaseState
from releasegate.web.tests.records import stored_release

pytestmark = pytest.mark.django_db
S = ReleaseState


def part(page: str, name: str) -> list[str]:
    section = re.search(rf'data-testid="glance-{name}">(.*?)</section>', page, re.S)
    assert section, name
    return re.findall(r'data-release-id="(\d+)"', section.group(1))


def test_it_shows_what_runs_what_comes_next_what_failed_and_each_applications_last(
    signed_in: Client,
) -> None:
    now = timezone.now()
    old = stored_release("old", received_at=now - timedelta(days=3), finished_at=now)
    running = stored_release(
        "run", received_at=now - timedelta(hours=1), state=S.RUNNING, application="mall/payment"
    )
    later = stored_release(
        "later", received_at=now, state=S.SCHEDULED, scheduled_for=now + timedelta(hours=5),
        application="mall/cart",
    )  # fmt: skip
    sooner = stored_release(
        "sooner", received_at=now, state=S.SCHEDULED, scheduled_for=now + timedelta(hours=1),
        application="shop/web", project="shop",
    )  # fmt: skip
    failed = stored_release("failed", received_at=now - timedelta(days=1), state=S.FAILED)
    long_ago = stored_release(
        "long-ago", received_at=now - timedelta(days=9), state=S.ERROR, application="mall/search"
    )

    page = signed_in.get("/").content.decode()

    assert part(page, "running") == [str(running.pk)]
    assert part(page, "scheduled") == [str(sooner.pk), str(later.pk)]
    assert part(page, "failures") == [str(failed.pk)]
    latest = part(page, "applications")
    assert latest[-1] == str(long_ago.pk)
    assert set(latest) == {str(r.pk) for r in (sooner, later, running, failed, long_ago)}
    assert str(old.pk) not in latest


def test_an_empty_day_says_so_in_both_languages(signed_in: Client) -> None:
    page = signed_in.get("/").content.decode()
    assert "今日概览" in page and "没有正在运行的发布。" in page

    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = signed_in.get("/").content.decode()
    assert "Today at a glance" in page and "Nothing is scheduled." in page
