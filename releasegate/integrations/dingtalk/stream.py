"""DingTalk's events over Stream mode: the receiver behind `releasegate stream`.

The counterpart of events.py (HTTP push) for apps that chose Stream mode: no public
address, DingTalk pushes into a WebSocket we open (stream_client.py). Each approval event
is stored in the inbox (releasegate.releases.inbox) and acknowledged only once its row is
committed, so an event is never acknowledged and then lost; when storing fails the answer
is LATER and DingTalk delivers it again. Redeliveries are stored too: they carry the same
eventId, and the inbox processes one delivery per eventId.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, close_old_connections, transaction

from releasegate.config import Config
from releasegate.integrations.dingtalk.approvals import PROVIDER
from releasegate.integrations.dingtalk.card_callback import card_click_over_stream
from releasegate.integrations.dingtalk.events import APPROVAL_EVENTS
from releasegate.integrations.dingtalk.stream_client import StreamClient, StreamOptions
from releasegate.integrations.dingtalk.stream_frames import StreamEvent
from releasegate.lib.http import Timeouts
from releasegate.releases.inbox import record_delivery

logger = logging.getLogger("releasegate.dingtalk.stream")


def store_event(event: StreamEvent) -> bool:
    """Store an approval event; True once it is committed (or when it is not about
    approvals: acknowledged and ignored, so DingTalk does not redeliver it forever),
    False when the database failed and DingTalk should redeliver it."""
    if event.event_type not in APPROVAL_EVENTS:
        logger.info("ignored a %s event", event.event_type or "typeless")
        return True
    close_old_connections()
    try:
        with transaction.atomic():
            record_delivery(
                via="stream",
                event_type=event.event_type,
                provider=PROVIDER,
                instance_id=str(event.data.get("processInstanceId") or ""),
                delivery_id=event.event_id,
                # Our own authenticated connection: the form it names is taken as said.
                form_code=_text(event.data.get("processCode")),
                payload=event.data,
            )
    except DatabaseError as exc:
        logger.warning(
            "could not store Stream event %s, asking for it again: %s", event.event_id, exc
        )
        return False
    finally:
        close_old_connections()
    return True


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def stream_receiver(config: Config, options: StreamOptions | None = None) -> StreamClient:
    """A Stream client for the configured app that stores what it receives. Raises
    ValueError when DingTalk is not configured."""
    dingtalk = config.dingtalk
    if dingtalk is None:
        raise ValueError("DingTalk is not configured: see the DINGTALK_* settings")
    return StreamClient(
        app_key=dingtalk.app_key,
        app_secret=dingtalk.app_secret,
        handler=store_event,
        api_base=dingtalk.api_base,
        options=options,
        timeouts=Timeouts.uniform(config.options.dingtalk.timeout_seconds),
        card_handler=(
            card_click_over_stream
            if dingtalk.cards and dingtalk.card_callback == "stream"
            else None
        ),
    )
