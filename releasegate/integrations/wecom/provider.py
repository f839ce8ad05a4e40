"""WeCom as an approval platform of the registry: the app's shared client, its messenger
and the `Provider` the domain works with, enabled when the `WECOM_*` settings are
present."""

from __future__ import annotations

import threading
from datetime import timedelta

from releasegate.config import Config, WeComSettings
from releasegate.integrations.wecom.approvals import PROVIDER, WeComApprovals
from releasegate.integrations.wecom.cards import EVERY, ApprovalCards
from releasegate.integrations.wecom.client import WeComClient
from releasegate.integrations.wecom.messages import GroupRobot, WeComMessenger
from releasegate.lib.http import Timeouts
from releasegate.releases.approvals.registry import Provider, Recurring


class _Shared:
    lock = threading.Lock()
    client: WeComClient | None = None
    settings: WeComSettings | None = None


def shared_client(config: Config) -> WeComClient:
    """The process's WeCom client, shared by all threads so they share one access token
    (WeCom asks for it to be cached: repeated fetches are limited). Raises `ValueError`
    when WeCom is not configured."""
    if config.wecom is None:
        raise ValueError("WeCom is not configured: see the WECOM_* settings")
    with _Shared.lock:
        if _Shared.client is None or _Shared.settings != config.wecom:
            _Shared.client = WeComClient(
                corp_id=config.wecom.corp_id,
                corp_secret=config.wecom.corp_secret,
                agent_id=config.wecom.agent_id,
                api_base=config.wecom.api_base,
                timeouts=Timeouts.uniform(config.options.wecom.timeout_seconds),
            )
            _Shared.settings = config.wecom
        return _Shared.client


def provider(config: Config) -> Provider | None:
    """WeCom for this configuration, or None when its settings are absent."""
    settings = config.wecom
    if settings is None:
        return None
    client = shared_client(config)
    options = config.options.wecom
    robot = (
        GroupRobot(settings.robot_webhook, timeouts=Timeouts.uniform(options.timeout_seconds))
        if settings.robot_webhook
        else None
    )
    source = WeComApprovals(
        client, settings.template_id, config.options.form, config.options.releases
    )
    recurring: tuple[Recurring, ...] = ()
    if settings.approval_cards:
        cards = ApprovalCards(source, config.public_url)
        recurring = (Recurring("wecom-approval-cards", EVERY, cards.run),)
    return Provider(
        name=PROVIDER,
        source=source,
        messenger=WeComMessenger(client, robot),
        group_chat=robot is not None,
        reconcile_every=timedelta(minutes=options.reconcile_minutes),
        reconcile_lookback=timedelta(hours=options.reconcile_lookback_hours),
        check=client.access_token,
        recurring=recurring,
    )
