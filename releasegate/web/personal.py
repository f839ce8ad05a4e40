"""What the dashboard shows a person of their own: the messages sent to them, on every
platform they have an id on. A message of ReleaseGate's own approvals is always here,
whether a chat platform or e-mail also reached them or not."""

from __future__ import annotations

import json

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from releasegate.releases.approvals import registry
from releasegate.releases.models import Notification
from releasegate.web.models import platform_user_id


def notifications_for(
    user: AbstractBaseUser | AnonymousUser, limit: int = 50
) -> list[Notification]:
    """The newest messages sent to `user` in person (not to a group), newest first."""
    ids = {name: platform_user_id(user, name) for name in registry.known()}
    mine = Q(pk__in=[])
    for provider, user_id in ids.items():
        if user_id:
            # Recipients are a JSON list: its text holds the id in quotes, escaped (SQLite)
            # or not (PostgreSQL). The exact check follows, in Python.
            quoted = {json.dumps(user_id), json.dumps(user_id, ensure_ascii=False)}
            text = Q()
            for form in quoted:
                text |= Q(recipients__icontains=form)
            mine |= Q(provider=provider) & text
    found = Notification.objects.filter(mine, channel="people").order_by("-created_at", "-pk")
    return [n for n in found[: limit * 2] if ids.get(n.provider) in n.recipients][:limit]
