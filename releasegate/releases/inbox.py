"""Deliveries in, work after: the inbox between "an approval changed" and ingest.

Receivers (each platform's event push or stream, DingTalk's connector node) authenticate a
delivery, store it with `record_delivery` and answer at once: platforms want their answer
within seconds (DingTalk 2.5 s), and a stored row cannot be lost by a crash. The slow part
(asking the platform's API, creating the release) runs after the commit, from the
database: in a background thread of the process that received it, and again from the
worker for anything left over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from releasegate.lib.http import OutboundError
from releasegate.lib.log_context import working_on
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.errors import ApprovalNotFound
from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.approvals.ports import ApprovalSource
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.models import InboundEvent, Release

logger = logging.getLogger("releasegate.inbox")

# What a delivery can tell us about; anything else is acknowledged and kept, not acted on.
INGESTED_TYPES = frozenset(
    {
        "bpms_instance_change",
        "bpms_task_change",
        # Feishu's approval events (v1).
        "approval_instance",
        "approval_task",
        # WeCom's approval change callback.
        "sys_approval_change",
        "connector_node",
        "request",
        "reconcile",
        # ReleaseGate's own approvals: an approver decided, or nobody did in time.
        "local_decision",
        "local_expiry",
    }
)
# The only failure that ends a delivery: the platform says there is no such approval.
ENDS_DELIVERY = (ApprovalNotFound,)
# How long one processing attempt holds a delivery before another may take it over.
CLAIM = timedelta(minutes=2)
# How long a connector-node delivery waits for its approval to complete in DingTalk.
NODE_COMPLETION_WAIT = timedelta(hours=1)
Sources = Mapping[str, ApprovalSource]


def record_delivery(
    *,
    via: str,
    event_type: str,
    instance_id: str,
    delivery_id: str = "",
    payload: dict[str, Any],
    provider: str,
    form_code: str = "",
    now: datetime | None = None,
) -> InboundEvent:
    """Store one authenticated delivery; its processing starts after the commit.
    `form_code` is the approval form the delivery names, when the platform authenticated
    it as its own (an unauthenticated caller's word vouches for nothing)."""
    event = InboundEvent.objects.create(
        provider=provider,
        via=via,
        event_type=event_type[:64],
        form_code=form_code[:128],
        delivery_id=delivery_id[:128],
        instance_id=instance_id[:128],
        payload=payload,
        received_at=now or timezone.now(),
    )
    transaction.on_commit(lambda: dispatcher.submit(event.pk))
    return event


def process(event_id: int, sources: Sources, now: datetime | None = None) -> str:
    """Act on one stored delivery and return its outcome. Idempotent: a processed event
    is left alone, and one that another thread or process is working on (or that waits
    out a backoff) is not touched. A failure to reach the platform leaves it pending for
    the next attempt, and so does a connector-node delivery whose approval DingTalk has
    not completed yet (the node fires after the last approver, possibly before), and a
    delivery of a platform that is not configured now (nothing about it is lost)."""
    moment = now or timezone.now()
    if not _claim(event_id, moment):
        return InboundEvent.objects.values_list("outcome", flat=True).get(pk=event_id)
    event = InboundEvent.objects.get(pk=event_id)
    source = sources.get(event.provider)
    if source is None:
        return _wait(event, f"{event.provider} is not configured", moment)
    with working_on(_release_of(event)):
        try:
            return _process(event, source, moment)
        except OutboundError as exc:
            return _failed(event, exc, moment)
        except Exception as exc:  # one bad delivery must not stop the others behind it
            return _failed(event, exc, moment, unexpected=True)


def _release_of(event: InboundEvent) -> int | None:
    """The release of the delivery's approval, when there is one already (a revocation,
    a reconcile look): the records about the delivery carry its id."""
    return (
        Release.objects.filter(
            approval__provider=event.provider, approval__instance_id=event.instance_id
        )
        .values_list("pk", flat=True)
        .first()
    )


def _claim(event_id: int, now: datetime) -> bool:
    """Take the delivery for `CLAIM` (a conditional update: one taker wins)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    taken = InboundEvent.objects.filter(due, pk=event_id, processed_at__isnull=True).update(
        next_attempt_at=now + CLAIM
    )
    return taken == 1


def _process(event: InboundEvent, source: ApprovalSource, moment: datetime) -> str:
    outcome = _skip_reason(event, source.release_form)
    if outcome is None:
        result = ingest_approval(
            source,
            event.instance_id,
            via=event.via,
            form_vouched=bool(event.form_code),
            now=moment,
        )
        if _completion_awaited(event, result.status, moment):
            words = result.provider_status or result.status
            why = f"waiting for {event.provider} to complete the approval ({words})"
            return _wait(event, why, moment)
        outcome = result.describe()
    event.processed_at, event.outcome = moment, outcome[:200]
    event.attempts += 1
    event.save(update_fields=["processed_at", "outcome", "attempts"])
    return event.outcome


def _completion_awaited(event: InboundEvent, status: str, now: datetime) -> bool:
    if event.via != "connector" or status != ApprovalStatus.PENDING:
        return False
    if now - event.received_at < NODE_COMPLETION_WAIT:
        return True
    logger.warning(
        "connector node delivery %s: approval %s still %s after %s; giving up (a later "
        "event or the reconcile will still release it)",
        event.pk,
        event.instance_id,
        status,
        NODE_COMPLETION_WAIT,
    )
    return False


def _wait(event: InboundEvent, why: str, now: datetime) -> str:
    """Not yet: try again after the backoff (the claim is given back as a due time)."""
    event.attempts += 1
    event.outcome = why[:200]
    event.next_attempt_at = now + retry_delay(event.attempts)
    event.save(update_fields=["attempts", "outcome", "next_attempt_at"])
    return event.outcome


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … up to 5 minutes between attempts."""
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), timedelta(minutes=5))


def _skip_reason(event: InboundEvent, release_form: str) -> str | None:
    if event.event_type not in INGESTED_TYPES:
        return f"ignored: {event.event_type} events are not about releases"
    if event.form_code and event.form_code != release_form:
        # Events come for every approval form of the company; this one is not ours (and
        # asking the platform about it would spend API quota for nothing).
        return f"ignored: an approval of another form ({event.form_code})"
    if not event.instance_id:
        return "ignored: no approval instance id"
    if event.delivery_id and (
        InboundEvent.objects.filter(
            provider=event.provider, delivery_id=event.delivery_id, processed_at__isnull=False
        )
        .exclude(pk=event.pk)
        .exists()
    ):
        return "duplicate delivery: already processed"
    return None


def _failed(
    event: InboundEvent, error: Exception, now: datetime, *, unexpected: bool = False
) -> str:
    """Record the failure. Only the platform saying the approval does not exist ends the
    delivery: everything else (an outage, the monthly quota, refused credentials, an
    answer we could not read) is about the app or the day, not this approval, so it is
    tried again, with backoff, until it goes through. Logged once: WARNING while trying
    again may help, ERROR when it ends, when only an operator can help (refused
    credentials: it is still tried again, for when they are fixed) or when the failure is
    a bug (with its traceback)."""
    message = error.message if isinstance(error, OutboundError) else repr(error)
    event.attempts += 1
    event.last_error = str(error)[:2000]
    event.next_attempt_at = now + retry_delay(event.attempts)
    if isinstance(error, ENDS_DELIVERY):
        event.processed_at, event.outcome = now, f"failed: {message}"[:200]
    else:
        event.outcome = f"will retry: {message}"[:200]
    event.save(
        update_fields=["attempts", "last_error", "processed_at", "outcome", "next_attempt_at"]
    )
    ends = isinstance(error, ENDS_DELIVERY)
    permanent = isinstance(error, OutboundError) and error.permanent
    logger.log(
        logging.ERROR if ends or permanent or unexpected else logging.WARNING,
        "delivery %s (%s approval %s) %s: %s",
        event.pk,
        event.provider,
        event.instance_id,
        "given up" if ends else f"will be tried again (attempt {event.attempts})",
        error,
        exc_info=error if unexpected else None,
        extra={"delivery_id": event.pk, "approval_instance_id": event.instance_id},
    )
    return event.outcome


def pending(limit: int = 100, now: datetime | None = None) -> list[int]:
    """Ids of stored deliveries due for processing, oldest first (a delivery that failed
    or came too early waits out its backoff)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now or timezone.now())
    return list(
        InboundEvent.objects.filter(due, processed_at__isnull=True)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


class Dispatcher:
    """Runs `process` for new deliveries on a small thread pool, after the reply.

    Off until a process that serves deliveries turns it on (`serve`, `worker`,
    `stream`): elsewhere (a management command, a test) stored deliveries simply wait
    for the worker's sweep.
    """

    def __init__(self) -> None:
        self.sources: Sources | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def enable(self, sources: Sources | None = None) -> None:
        """Process new deliveries in the background, asking the enabled platforms (or
        `sources`)."""
        self.sources = registry.sources() if sources is None else sources

    def submit(self, event_id: int) -> None:
        if self.sources is None:
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox")
        try:
            self._pool.submit(self._run, event_id)
        except RuntimeError:
            # The process is shutting down; the stored delivery waits for the next sweep.
            logger.info("delivery %s left for the next sweep (shutting down)", event_id)

    def _run(self, event_id: int) -> None:
        sources = self.sources
        if sources is None:
            return
        # A pooled thread may hold a connection the database has since closed.
        close_old_connections()
        try:
            process(event_id, sources)
        except Exception:  # a background thread must log, not die silently
            logger.exception("processing delivery %s failed", event_id)
        finally:
            close_old_connections()


dispatcher = Dispatcher()
