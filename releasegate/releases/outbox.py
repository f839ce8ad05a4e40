"""Delivering the outbox: each due notification is sent by its platform's messenger, retried
with backoff when the platform cannot take it now (a rate limit, an outage), and given up,
with the reason, when it refuses it for good. A message that cannot be delivered never
holds up a release."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from releasegate.lib.http import OutboundError
from releasegate.lib.log_context import working_on
from releasegate.releases.approvals.ports import Messenger, SentMessage
from releasegate.releases.models import Notification, NotificationState

logger = logging.getLogger("releasegate.outbox")
MAX_ATTEMPTS = 8
# DingTalk throttles a custom group robot for 10 minutes past 20 messages a minute (WeCom's
# group robot allows 20 a minute too); each platform's group stays under it rather than
# learn it the hard way.
GROUP_PER_MINUTE = 19
# Longer than one send takes (DingTalk calls time out well before).
CLAIM = timedelta(minutes=2)


def retry_delay(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … up to 10 minutes (a throttled robot waits 10 minutes)."""
    return min(timedelta(seconds=10 * 2 ** max(attempts - 1, 0)), timedelta(minutes=10))


def deliver_due(
    messengers: Mapping[str, Messenger], *, now: datetime | None = None, limit: int = 50
) -> int:
    """Send the notifications that are due, each by its platform's messenger; returns
    how many were attempted."""
    moment = now or timezone.now()
    due = _claim_due(moment, limit)
    if not due:
        return 0
    group_budget: dict[str, int] = {}
    for notification in due:
        if notification.channel == "group":
            provider = notification.provider
            if provider not in group_budget:
                since = moment - timedelta(minutes=1)
                group_budget[provider] = GROUP_PER_MINUTE - _group_sent_since(provider, since)
            if group_budget[provider] <= 0:
                notification.next_attempt_at = moment + timedelta(seconds=10)
                notification.save(update_fields=["next_attempt_at"])
                continue
            group_budget[provider] -= 1
        with working_on(notification.release_id):
            _deliver(notification, messengers.get(notification.provider), moment)
    return len(due)


def _claim_due(moment: datetime, limit: int) -> list[Notification]:
    """Claim due notifications by pushing their next attempt a claim ahead, in one short
    transaction (`SKIP LOCKED` on PostgreSQL): several workers run the outbox, and without
    a claim two of them sent the same message (found by the chaos run). A worker that dies
    mid-send leaves its claim to expire; the message is then sent again."""
    due = Notification.objects.filter(
        state=NotificationState.PENDING, next_attempt_at__lte=moment
    ).order_by("next_attempt_at", "pk")
    # Nothing due (most passes): said by a plain read, without the write transaction.
    if not due.exists():
        return []
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due[:limit])
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(
            next_attempt_at=moment + CLAIM
        )
    return claimed


def _group_sent_since(provider: str, since: datetime) -> int:
    return Notification.objects.filter(
        provider=provider, channel="group", state=NotificationState.SENT, sent_at__gte=since
    ).count()


def _deliver(notification: Notification, messenger: Messenger | None, now: datetime) -> None:
    notification.attempts += 1
    try:
        sent = _send(notification, messenger)
    except OutboundError as exc:
        notification.last_error = str(exc)[:2000]
        give_up = exc.permanent or notification.attempts >= MAX_ATTEMPTS
        notification.state = NotificationState.FAILED if give_up else NotificationState.PENDING
        notification.next_attempt_at = now + retry_delay(notification.attempts)
        _log_failure(notification, exc, give_up=give_up)
    except _NotConfigured as exc:
        notification.state, notification.last_error = NotificationState.FAILED, str(exc)
        _log_failure(notification, exc, give_up=True)
    else:
        notification.state, notification.sent_at = NotificationState.SENT, now
        notification.reference = sent.reference[:200]
        notification.not_reached = list(sent.not_reached)
    notification.save()


def _log_failure(notification: Notification, error: Exception, *, give_up: bool) -> None:
    """One record per failed attempt: WARNING while it will be tried again, ERROR when
    the message is given up (nobody will be told unless an operator acts). The message's
    id and its release's (from the caller's context) are fields of the record."""
    logger.log(
        logging.ERROR if give_up else logging.WARNING,
        "notification %s (%s, %s, attempt %s) %s: %s",
        notification.pk,
        notification.kind,
        notification.provider,
        notification.attempts,
        "given up" if give_up else "will be tried again",
        error,
        extra={"notification_id": notification.pk},
    )


class _NotConfigured(Exception):
    pass


def _send(notification: Notification, messenger: Messenger | None) -> SentMessage:
    if messenger is None:
        raise _NotConfigured(f"{notification.provider} is not configured to send messages")
    if notification.channel == "group":
        try:
            return messenger.send_to_group(
                notification.title, notification.markdown, _link(notification)
            )
        except ValueError as exc:
            raise _NotConfigured(str(exc)) from None
    return messenger.send_to_people(
        notification.recipients, notification.title, notification.markdown, _link(notification)
    )


def _link(notification: Notification) -> str:
    """The release's page, where the dashboard's public address is known."""
    public = settings.CONFIG.public_url
    if not public or notification.release_id is None:
        return ""
    return f"{public}releases/{notification.release_id}/"
