"""What an operator may do to a release by hand: cancel it before it runs.

A release not yet triggered (RECEIVED, SCHEDULED) is simply cancelled. A QUEUED one is
cancelled in Jenkins first; only when Jenkins confirms (the item had not started) is the
release cancelled. Anything later is a running build: stop it in Jenkins.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.lib.http import OutboundError
from releasegate.releases.messages import notify
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.transitions import transition

S = ReleaseState
logger = logging.getLogger("releasegate.operators")


class CannotCancel(Exception):
    """The release is past the point where cancelling it could stop anything."""


def cancel_release(
    release_id: int, *, actor: str, reason: str = "", jenkins: JenkinsClient | None = None
) -> Release:
    """Cancel the release and tell its people; raises `CannotCancel` with why not."""
    release = Release.objects.get(pk=release_id)
    why = f"由 {actor} 取消" + (f"：{reason}" if reason else "")
    if release.state == S.QUEUED:
        if jenkins is None or release.queue_id is None:
            raise CannotCancel(_("Queued in Jenkins: cancelling it needs Jenkins."))
        if not _cancelled_in_jenkins(jenkins, release):
            raise CannotCancel(_("The build has already left the queue: stop it in Jenkins."))
    elif release.state not in (S.RECEIVED, S.SCHEDULED):
        raise CannotCancel(
            _("The release is %(state)s: only a scheduled or queued one can be cancelled.")
            % {"state": release.state}
        )
    now = timezone.now()
    with transaction.atomic():
        current = Release.objects.select_for_update().get(pk=release_id)
        if current.state != release.state:
            raise CannotCancel(
                _("The release moved on to %(state)s meanwhile.") % {"state": current.state}
            )
        current.reason, current.next_run_at = why, None
        transition(current, S.CANCELLED, actor=actor, reason=why, now=now)
        current.save(update_fields=["reason", "next_run_at"])
        notify(current, "cancelled", now=now)
    return current


def _cancelled_in_jenkins(jenkins: JenkinsClient, release: Release) -> bool:
    """Whether Jenkins cancelled the release's queue item. A failure to ask is logged
    here (the operator is shown it, and nothing tries again for them) and raised."""
    try:
        return jenkins.cancel_queue_item(release.queue_id or 0)
    except OutboundError as exc:
        logger.error(
            "release %s: cancelling queue item %s in Jenkins failed: %s",
            release.pk,
            release.queue_id,
            exc,
            extra={"release_id": release.pk, "service": exc.service, "status": exc.status},
        )
        raise
