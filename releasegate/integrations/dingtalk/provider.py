"""DingTalk as an approval platform of the registry: the app's shared client, its
messenger (work notifications, the custom group robot) and the `Provider` the domain
works with, enabled when the `DINGTALK_*` settings are present."""

from __future__ import annotations

import threading
from datetime import timedelta

from releasegate.config import Config, DingTalkSettings
from releasegate.integrations.dingtalk.approvals import PROVIDER, DingTalkApprovals
from releasegate.integrations.dingtalk.cards import CardDelivery
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.messages import DingTalkMessenger
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.lib.http import Timeouts
from releasegate.releases.approvals.registry import Provider, Recurring


class _Shared:
    lock = threading.Lock()
    client: DingTalkClient | None = None
    settings: DingTalkSettings | None = None


def shared_client(config: Config) -> DingTalkClient:
    """The process's DingTalk client, shared by all threads so they share one access
    token (DingTalk asks apps to cache it rather than fetch it per call). Raises
    `ValueError` when DingTalk is not configured."""
    if config.dingtalk is None:
        raise ValueError("DingTalk is not configured: see the DINGTALK_* settings")
    with _Shared.lock:
        # Settings only change under tests (pointed at a simulator); a client made for
        # other settings is left to whoever still holds it, not closed under them.
        if _Shared.client is None or _Shared.settings != config.dingtalk:
            _Shared.client = DingTalkClient.from_settings(
                config.dingtalk, timeouts=Timeouts.uniform(config.options.dingtalk.timeout_seconds)
            )
            _Shared.settings = config.dingtalk
        return _Shared.client


def group_robot(config: Config) -> GroupRobot | None:
    """The configured custom group robot, or None."""
    if config.dingtalk is None or not config.dingtalk.robot_webhook:
        return None
    return GroupRobot(
        config.dingtalk.robot_webhook,
        config.dingtalk.robot_secret,
        timeouts=Timeouts.uniform(config.options.dingtalk.timeout_seconds),
    )


def provider(config: Config) -> Provider | None:
    """DingTalk for this configuration, or None when its settings are absent."""
    settings = config.dingtalk
    if settings is None:
        return None
    client = shared_client(config)
    options = config.options.dingtalk
    return Provider(
        name=PROVIDER,
        source=DingTalkApprovals(client, settings.process_code, config.options.form),
        messenger=DingTalkMessenger(client, group_robot(config)),
        group_chat=bool(settings.robot_webhook),
        reconcile_every=timedelta(minutes=options.reconcile_minutes),
        reconcile_lookback=timedelta(hours=options.reconcile_lookback_hours),
        check=client.access_token,
        recurring=_cards(config, client),
    )


def _cards(config: Config, client: DingTalkClient) -> tuple[Recurring, ...]:
    """Card delivery, when a card template is configured."""
    settings = config.dingtalk
    if settings is None or not settings.cards:
        return ()
    delivery = CardDelivery(client, settings, config.public_url)
    every = timedelta(seconds=config.options.dingtalk.card_seconds)
    return (Recurring("dingtalk-cards", every, delivery.run),)
