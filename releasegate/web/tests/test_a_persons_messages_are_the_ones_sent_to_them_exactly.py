"""The messages the dashboard shows a person are those sent to them in person: not to
someone whose id differs only in case or contains theirs, nor to a group; the newest
first, as many as asked for even when others came in between."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from releasegate.releases.models import Notification
from releasegate.web.personal import notifications_for

pytestmark = pytest.mark.django_db


def _sent(title: str, recipients: list[str], minutes_ago: int, channel: str = "people") -> None:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    Notification.objects.create(
        kind="approval_asked",
        provider="local",
        channel=channel,
        recipients=recipients,
        title=title,
        markdown=title,
        created_at=at,
        next_attempt_at=at,
    )


def test_only_messages_to_that_very_person_are_shown_newest_first() -> None:
    lisi = User.objects.create_user("lisi")
    _sent("to LISI", ["LISI"], 1)
    _sent("to the group", ["lisi"], 2, channel="group")
    _sent("to Lisi", ["Lisi"], 3)
    _sent("to lisi2", ["lisi2"], 4)
    _sent("to LiSi", ["zhangsan", "LiSi"], 5)
    _sent("second", ["zhangsan", "lisi"], 6)
    _sent("first", ["lisi"], 7)
    _sent("oldest", ["lisi"], 8)

    shown = notifications_for(lisi, limit=2)

    assert [n.title for n in shown] == ["second", "first"]


def test_fewer_than_asked_for_are_all_shown() -> None:
    wangwu = User.objects.create_user("wangwu")
    _sent("to WANGWU", ["WANGWU"], 1)
    _sent("only", ["wangwu"], 2)

    assert [n.title for n in notifications_for(wangwu, limit=5)] == ["only"]
