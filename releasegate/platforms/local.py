"""ReleaseGate's own approvals wired in: the domain's `local` provider, given what it may
not import itself: who each login is on the chat platform (web's profiles), their e-mail
addresses, the dashboard's page of an approval, and the chat platform's messenger.

Enabled when at least one approver group is configured (`[local]`). People are told
through the first other enabled platform that can message them, else by e-mail when it
is configured, and on the dashboard always."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse

from releasegate.config import Config
from releasegate.releases.approvals.registry import Provider, ProviderFactory, Recurring
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.local.decisions import PROVIDER, expire_due
from releasegate.releases.local.mail import Mailbox
from releasegate.releases.local.messenger import Chat, Directory, LocalMessenger
from releasegate.web.models import platform_user_id

# Expiry is looked for this often: a request expires at most this late.
EXPIRY_EVERY = timedelta(minutes=1)


def provider(config: Config, chats: Iterable[ProviderFactory]) -> Provider | None:
    """ReleaseGate's own approvals for this configuration, or None when no approver group
    is configured; `chats` are the other platforms' factories, in order of preference."""
    options = config.options.local
    if not options.enabled:
        return None
    chat = _chat(config, chats)
    email = config.email
    mailbox = Mailbox(_email_addresses, email.from_address) if email.enabled else None
    page_of = _page_url(config.public_url)
    recurring = (Recurring("local-expiry", EXPIRY_EVERY, expire_due),)
    return Provider(
        name=PROVIDER,
        source=LocalApprovals(options, config.options.form, page_of),
        messenger=LocalMessenger(chat[0] if chat else None, mailbox),
        group_chat=chat[1] if chat else False,
        recurring=recurring if options.expire_hours else (),
    )


def _chat(config: Config, chats: Iterable[ProviderFactory]) -> tuple[Chat, bool] | None:
    """The first enabled chat platform that can message people, and whether it has a
    group chat."""
    for factory in chats:
        other = factory(config)
        if other is not None and other.messenger is not None:
            chat = Chat(other.name, other.messenger, _ids_on(other.name))
            return chat, other.group_chat
    return None


def _ids_on(platform: str) -> Directory:
    def user_ids(logins: Sequence[str]) -> Mapping[str, str]:
        users = get_user_model().objects.filter(username__in=list(logins))
        return {user.get_username(): platform_user_id(user, platform) for user in users}

    return user_ids


def _email_addresses(logins: Sequence[str]) -> Mapping[str, str]:
    users = get_user_model().objects.filter(username__in=list(logins), is_active=True)
    return {user.get_username(): user.email for user in users}


def _page_url(public_url: str) -> Callable[[str], str]:
    def page_of(instance_id: str) -> str:
        path = reverse("web:request-sent", kwargs={"instance_id": instance_id})
        return public_url.rstrip("/") + path if public_url else path

    return page_of
