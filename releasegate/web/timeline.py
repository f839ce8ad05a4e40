"""What the release page tells about one release: its timeline and where to look further.

The timeline is the audit trail (one `ReleaseEvent` per thing that happened) with the
notifications it caused, in the order they happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from releasegate.lib.links import web_address
from releasegate.releases.local.decisions import PROVIDER as LOCAL
from releasegate.releases.messages import shown_event_details
from releasegate.releases.models import (
    InboundEvent,
    Notification,
    Release,
    ReleaseEvent,
    ReleaseState,
)
from releasegate.web.readable import event_details

# Endings whose build log says why.
CONSOLE_STATES = frozenset({"FAILED", "UNSTABLE", "ABORTED", "ERROR"})


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    # "received", "state", "held", "input-answered", ... or "notification".
    kind: str
    title: str
    actor: str
    reason: str
    details: str


def timeline(release: Release) -> list[TimelineItem]:
    """Every event of the release and every notification it caused, oldest first."""
    events = [_event_item(release, event) for event in release.events.all()]
    notices = [_notification_item(n) for n in release.notifications.all()]
    return sorted([*events, *notices], key=lambda item: item.at)


def _event_item(release: Release, event: ReleaseEvent) -> TimelineItem:
    if event.to_state:
        title = f"{_state_label(event.from_state) or '∅'} → {_state_label(event.to_state)}"
        if event.from_state == ReleaseState.ERROR:
            title = _("Retried by %(person)s: %(move)s") % {
                "person": _person(event.actor),
                "move": title,
            }
    elif event.kind in ROLLBACK_TITLES:
        title = _rollback_title(event)
    else:
        title = EVENT_TITLES.get(event.kind, event.kind)
    return TimelineItem(
        at=event.at,
        kind=event.kind,
        title=str(title),
        actor=event.actor,
        reason=event.reason,
        details=event_details(shown_event_details(release, event.details)),
    )


def _rollback_title(event: ReleaseEvent) -> str:
    """ "Rollback of #N requested by X" on the rollback, "Rollback to #G requested by X" on
    the release it rolls back from."""
    details = event.details if isinstance(event.details, dict) else {}
    return str(ROLLBACK_TITLES[event.kind]) % {
        "of": details.get("rollback_of", "?"),
        "to": details.get("rollback_to", "?"),
        "by": details.get("requested_by", event.actor),
    }


def _person(actor: str) -> str:
    """Who, without the way they came ("dashboard:ops", "api:ops", "operator:ops")."""
    return actor.partition(":")[2] or actor


def _state_label(state: str) -> str:
    """The state in the reader's words; a state this version does not know, as stored."""
    return str(ReleaseState(state).label) if state in ReleaseState.values else state


def _notification_item(notification: Notification) -> TimelineItem:
    return TimelineItem(
        at=notification.created_at,
        kind="notification",
        title=_("Notification “%(title)s” (%(kind)s) to %(recipients)s: %(state)s")
        % {
            "title": notification.title,
            "kind": notification.kind,
            "recipients": ", ".join(notification.recipients) or "—",
            "state": notification.get_state_display(),
        },
        actor=notification.channel,
        reason=notification.last_error,
        details="",
    )


def queue_url(release: Release) -> str:
    """The Jenkins queue item's page, when the release reached the queue."""
    jenkins = settings.CONFIG.jenkins
    if release.queue_id is None or jenkins is None:
        return ""
    return f"{jenkins.url.rstrip('/')}/queue/item/{release.queue_id}/"


def approval_url(release: Release) -> str:
    """The approval's page on its platform: the first link the platform's API gave, else
    one its own events carried (DingTalk's `url` of bpms_instance_change); "" when
    neither did. ReleaseGate's own approvals have their page here."""
    if release.approval.provider == LOCAL:
        return reverse("web:request-sent", kwargs={"instance_id": release.approval.instance_id})
    for link in release.approval.links:
        url = _web_address(link.get("url") if isinstance(link, dict) else None)
        if url:
            return url
    deliveries = InboundEvent.objects.filter(
        provider=release.approval.provider, instance_id=release.approval.instance_id
    ).order_by("-received_at")
    for payload in deliveries.values_list("payload", flat=True)[:20]:
        url = _url_in(payload)
        if url:
            return url
    return ""


def _url_in(payload: Any) -> str:
    if not isinstance(payload, dict):
        return ""
    data = payload.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    for candidate in (payload.get("url"), data.get("url") if isinstance(data, dict) else None):
        url = _web_address(candidate)
        if url:
            return url
    return ""


def _web_address(candidate: Any) -> str:
    """`candidate` when it is a web address, else "": a platform's answer, like a payload,
    is never trusted with a scheme."""
    return (web_address(candidate) or "") if isinstance(candidate, str) else ""


EVENT_TITLES: dict[str, Any] = {
    "received": gettext_lazy("Approval received"),
    "approver-decision": gettext_lazy("An approver decided"),
    "card-click": gettext_lazy("A decision card was clicked"),
    "approval-withdrawn": gettext_lazy("Approval withdrawn"),
    "held": gettext_lazy("Held by a policy"),
    "waiting": gettext_lazy("Waiting for another release of the job"),
    "retry": gettext_lazy("Jenkins failed; retrying"),
    "input-answered": gettext_lazy("Input step answered"),
    "input-aborted": gettext_lazy("Input step aborted"),
}
ROLLBACK_TITLES: dict[str, Any] = {
    "rollback": gettext_lazy("Rollback of #%(of)s requested by %(by)s"),
    "rollback-requested": gettext_lazy("Rollback to #%(to)s requested by %(by)s"),
}
