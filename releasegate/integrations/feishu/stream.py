"""Feishu's events over the long connection: the receiver behind
`releasegate stream --platform feishu`.

Each approval event is stored in the inbox and acknowledged only once its row is
committed; when storing fails the answer asks Feishu for it again. A decision card's
click is answered in its acknowledgement, as over the event endpoint. The connection is
opened with the app's own credentials, so what arrives on it is Feishu's: no token or
signature to check (reference §A3).
"""

from __future__ import annotations

import json
import logging

from django.db import DatabaseError, close_old_connections

from releasegate.config import Config
from releasegate.integrations.feishu.events import answer_card_action, store_event
from releasegate.integrations.feishu.ws_client import LongConnection, LongConnectionOptions
from releasegate.lib.http import Timeouts

logger = logging.getLogger("releasegate.feishu.stream")


def store_pushed(payload: bytes) -> bool:
    """Store one event's payload; True once committed (or when there is nothing to store),
    False when the database failed and Feishu should deliver it again."""
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError):
        logger.warning("acknowledged a Feishu event that is not JSON")
        return True
    if not isinstance(message, dict):
        logger.warning("acknowledged a Feishu event that is not a JSON object")
        return True
    close_old_connections()
    try:
        store_event(message, via="stream")
    except DatabaseError as exc:
        logger.warning("could not store a Feishu event, asking for it again: %s", exc)
        return False
    finally:
        close_old_connections()
    return True


def answer_pushed_card(payload: bytes) -> bytes:
    """The answer to a card callback that came over the long connection (what came on it
    is Feishu's, so it is not checked again), as JSON."""
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError):
        message = None
    if not isinstance(message, dict):
        logger.warning("a Feishu card callback that is not a JSON object: answered empty")
        return b"{}"
    close_old_connections()
    try:
        answer = answer_card_action(message)
    finally:
        close_old_connections()
    return json.dumps(answer, ensure_ascii=False).encode()


def long_connection(config: Config, options: LongConnectionOptions | None = None) -> LongConnection:
    """A long connection for the configured app that stores what it receives. Raises
    ValueError when Feishu is not configured."""
    feishu = config.feishu
    if feishu is None:
        raise ValueError("Feishu is not configured: see the FEISHU_* settings")
    return LongConnection(
        app_id=feishu.app_id,
        app_secret=feishu.app_secret,
        handler=store_pushed,
        card_handler=answer_pushed_card,
        api_base=feishu.api_base,
        options=options,
        timeouts=Timeouts.uniform(config.options.feishu.timeout_seconds),
    )
