"""Giving the people of an approval platform's directory a ReleaseGate login, once each.

A person is already known when a profile carries their id on that platform; otherwise a
user with the same e-mail address (ignoring case) is linked to them, when that user has
no id on the platform yet; otherwise a new user is planned. New users get an unusable
password: they sign in however the site lets them, or an admin sets one later
(`releasegate user change`); no password is ever changed here.

The login of a new user is the local part of their e-mail address, else their platform
id, reduced to what a Django login may hold (letters, digits and @.+-_); when that is
taken, `-2`, `-3`… is appended until it is free.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db import transaction

from releasegate.releases.approvals.directory import DirectoryPerson
from releasegate.web.models import Profile

# The Profile field holding each platform's id.
PROFILE_FIELDS = {
    "dingtalk": "dingtalk_user_id",
    "feishu": "feishu_user_id",
    "wecom": "wecom_user_id",
}
# Django's column sizes (auth_user, web_profile): longer values are cut, not refused.
MAX_LOGIN = 150
MAX_NAME = 150
MAX_EMAIL = 254
MAX_ID = 128

Action = Literal["create", "link"]


@dataclass(frozen=True)
class Step:
    """What importing one person does: create the user `login`, or link the existing
    user `login` to the person."""

    action: Action
    login: str
    person: DirectoryPerson


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    known: int  # people who already had a user with their id


def plan_import(platform: str, people: Sequence[DirectoryPerson]) -> Plan:
    """What importing `people` of `platform` would do; reads the database only."""
    field = PROFILE_FIELDS[platform]
    users: Any = get_user_model()
    known_ids = set(Profile.objects.exclude(**{field: ""}).values_list(field, flat=True).iterator())
    linked_users = set(
        Profile.objects.exclude(**{field: ""}).values_list("user_id", flat=True).iterator()
    )
    taken = {login.lower() for login in users.objects.values_list("username", flat=True)}
    by_email = _users_by_email(linked_users)
    steps: list[Step] = []
    known = 0
    for person in people:
        if person.platform_id in known_ids:
            known += 1
            continue
        match = by_email.pop(person.email.lower(), None) if person.email else None
        if match is not None:
            steps.append(Step("link", match, person))
        else:
            login = _free_login(person, taken)
            taken.add(login.lower())
            steps.append(Step("create", login, person))
        known_ids.add(person.platform_id)
    return Plan(tuple(steps), known)


def apply_import(platform: str, plan: Plan) -> None:
    """Write the plan in one transaction (the directory was read before it began), in
    bulk: a few statements whatever the number of people."""
    field = PROFILE_FIELDS[platform]
    users: Any = get_user_model()
    created = [step for step in plan.steps if step.action == "create"]
    linked = {step.login: step.person.platform_id for step in plan.steps if step.action == "link"}
    with transaction.atomic():
        new_users = users.objects.bulk_create([_new_user(users, step) for step in created])
        profiles = [
            Profile(user_id=user.pk, **{field: step.person.platform_id[:MAX_ID]})
            for user, step in zip(new_users, created, strict=True)
        ]
        for user in users.objects.filter(username__in=linked):
            profile, _ = Profile.objects.get_or_create(user=user)
            setattr(profile, field, linked[user.username][:MAX_ID])
            profile.save(update_fields=[field])
        Profile.objects.bulk_create(profiles)


def _new_user(users: Any, step: Step) -> Any:
    person = step.person
    user = users(
        username=step.login,
        email=person.email[:MAX_EMAIL],
        first_name=person.name.strip()[:MAX_NAME],
    )
    user.set_unusable_password()
    return user


def _users_by_email(linked_users: set[int]) -> dict[str, str]:
    """The login of the first user with each e-mail address (lower case), among the users
    not yet linked to anyone on the platform."""
    found: dict[str, str] = {}
    rows = get_user_model().objects.exclude(email="").order_by("pk")
    for pk, login, email in rows.values_list("pk", "username", "email").iterator():
        if pk not in linked_users:
            found.setdefault(email.lower(), login)
    return found


def _free_login(person: DirectoryPerson, taken: set[str]) -> str:
    local_part = person.email.split("@", 1)[0] if "@" in person.email else ""
    base = _login_text(local_part) or _login_text(person.platform_id) or "user"
    login, number = base, 1
    while login.lower() in taken:
        number += 1
        suffix = f"-{number}"
        login = base[: MAX_LOGIN - len(suffix)] + suffix
    return login


def _login_text(text: str) -> str:
    """`text` with what a Django login may not hold removed."""
    return re.sub(r"[^\w.@+-]", "", text.strip())[:MAX_LOGIN]
