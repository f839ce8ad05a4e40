"""Feishu as an approval platform of the registry: the app's shared client, its messenger
and the `Provider` the domain works with, enabled when the `FEISHU_*` settings are
present."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from functools import partial

from releasegate.config import Config, FeishuSettings
from releasegate.integrations.feishu import cards
from releasegate.integrations.feishu.approvals import PROVIDER, FeishuApprovals
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.integrations.feishu.messages import CustomBot, FeishuMessenger
from releasegate.lib.http import Timeouts
from releasegate.releases.approvals.registry import Provider, Recurring

# Feishu sends a definition's approval events only to apps subscribed to it (reference
# §A3): the subscription is made at the first worker's start and checked again daily.
SUBSCRIBE_EVERY = timedelta(hours=24)


class _Shared:
    lock = threading.Lock()
    client: FeishuClient | None = None
    settings: FeishuSettings | None = None


def shared_client(config: Config) -> FeishuClient:
    """The process's Feishu client, shared by all threads so they share one tenant token.
    Raises `ValueError` when Feishu is not configured."""
    if config.feishu is None:
        raise ValueError("Feishu is not configured: see the FEISHU_* settings")
    with _Shared.lock:
        if _Shared.client is None or _Shared.settings != config.feishu:
            _Shared.client = FeishuClient(
                app_id=config.feishu.app_id,
                app_secret=config.feishu.app_secret,
                api_base=config.feishu.api_base,
                timeouts=Timeouts.uniform(config.options.feishu.timeout_seconds),
            )
            _Shared.settings = config.feishu
        return _Shared.client


def custom_bot(config: Config) -> CustomBot | None:
    if config.feishu is None or not config.feishu.robot_webhook:
        return None
    return CustomBot(
        config.feishu.robot_webhook,
        config.feishu.robot_secret,
        timeouts=Timeouts.uniform(config.options.feishu.timeout_seconds),
    )


def provider(config: Config) -> Provider | None:
    """Feishu for this configuration, or None when its settings are absent."""
    settings = config.feishu
    if settings is None:
        return None
    client = shared_client(config)
    options = config.options.feishu

    def subscribe(now: datetime) -> str:
        made = client.subscribe(settings.approval_code)
        return "subscribed to the form's events" if made else "already subscribed"

    source = FeishuApprovals(
        client,
        settings.approval_code,
        config.options.form,
        config.options.releases,
        lark="larksuite" in settings.api_base,
    )
    recurring = [Recurring("feishu-subscribe", SUBSCRIBE_EVERY, subscribe)]
    if settings.decision_cards:
        recurring.append(
            Recurring("feishu-decision-cards", cards.EVERY, partial(cards.send_due_cards, source))
        )
    return Provider(
        name=PROVIDER,
        source=source,
        messenger=FeishuMessenger(client, custom_bot(config)),
        group_chat=bool(settings.robot_webhook),
        reconcile_every=timedelta(minutes=options.reconcile_minutes),
        reconcile_lookback=timedelta(hours=options.reconcile_lookback_hours),
        check=client.tenant_token,
        recurring=tuple(recurring),
    )
