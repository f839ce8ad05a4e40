"""What the dashboard shows a person of their own: the messages sent to them, on every
platform they have an id on. A message of ReleaseGate's own approvals is always here,
whether a chat platform or e-mail also reached them or not."""

from __future__ import annotations

import json

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q

from releasegate.releases.approvals import registry
from releasegate.releases.models import Notification
from releasegate.web.models import platform_user_ids


def notifications_for(
    user: AbstractBaseUser | AnonymousUser, limit: int = 50
) -> list[Notification]:
    """The newest messages sent to `user` in person (not to a group), newest first."""
    ids = platform_user_ids(user, registry.known())
    mine = Q(pk__in=[])
    for provider, user_id in ids.items():
        if user_id:
            mine |= Q(provider=provider) & _addressed_to(user_id)
    found = Notification.objects.filter(mine, channel="people").order_by("-created_at", "-pk")
    # Read newest first, `limit` at a time, until `limit` are found. A person gets a
    # small share of all messages, so the database walks many to find each of theirs:
    # asking for no more than are shown halves the walk of asking for twice as many
    # (SQLite, 100,000 messages, one in 300 theirs: 5 ms instead of 10). The text match
    # on SQLite may take a message to "User7" for one to "user7": the exact check drops
    # it, and the next ones are read in its place.
    shown: list[Notification] = []
    start = 0
    while True:
        batch = list(found[start : start + limit])
        shown += [n for n in batch if ids.get(n.provider) in n.recipients]
        if len(shown) >= limit or len(batch) < limit:
            return shown[:limit]
        start += limit


def _addressed_to(user_id: str) -> Q:
    """Messages whose recipients include `user_id`. PostgreSQL asks its index of the
    recipient lists (migration 0016). SQLite has none: it matches the list's text, which
    holds the id in quotes, escaped or not; the caller checks exactly."""
    if connection.vendor == "postgresql":
        return Q(recipients__contains=[user_id])
    text = Q()
    for form in {json.dumps(user_id), json.dumps(user_id, ensure_ascii=False)}:
        text |= Q(recipients__icontains=form)
    return text
