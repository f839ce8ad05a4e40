"""Clients for the external systems ReleaseGate is configured to talk to."""

from __future__ import annotations

import math
import threading

from releasegate.config import Config, DingTalkSettings
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.integrations.jenkins.client import (
    ApiTokenAuth,
    JenkinsAuth,
    JenkinsClient,
    PasswordAuth,
)
from releasegate.lib.http import Timeouts


class NotConfigured(Exception):
    """A setting the requested client needs is missing or invalid."""


def jenkins_client(config: Config, *, timeout_seconds: float | None = None) -> JenkinsClient:
    """A client for the configured Jenkins; API token preferred over password. Each
    request gets the configured timeout, or `timeout_seconds` when that is shorter."""
    settings = config.jenkins
    if settings is None:
        raise NotConfigured(
            "Jenkins is not configured: set JENKINS_URL, JENKINS_USER and JENKINS_TOKEN"
        )
    auth: JenkinsAuth = (
        ApiTokenAuth(settings.user, settings.token)
        if settings.token
        else PasswordAuth(settings.user, settings.password or "")
    )
    options = config.options.jenkins
    return JenkinsClient(
        settings.url,
        auth,
        timeouts=Timeouts.uniform(min(options.timeout_seconds, timeout_seconds or math.inf)),
        verify_tls=options.verify_tls,
        folder_levels=options.folder_levels_per_request,
    )


class _Shared:
    lock = threading.Lock()
    dingtalk: DingTalkClient | None = None
    settings: DingTalkSettings | None = None


def dingtalk_client(config: Config) -> DingTalkClient:
    """The process's DingTalk client, shared by all threads so they share one access
    token (DingTalk asks apps to cache it rather than fetch it per call)."""
    if config.dingtalk is None:
        raise NotConfigured("DingTalk is not configured: see the DINGTALK_* settings")
    with _Shared.lock:
        # Settings only change under tests (pointed at a simulator); a client made for
        # other settings is left to whoever still holds it, not closed under them.
        if _Shared.dingtalk is None or _Shared.settings != config.dingtalk:
            _Shared.dingtalk = DingTalkClient.from_settings(
                config.dingtalk,
                timeouts=Timeouts.uniform(config.options.dingtalk.timeout_seconds),
            )
            _Shared.settings = config.dingtalk
        return _Shared.dingtalk


def group_robot(config: Config) -> GroupRobot | None:
    """The configured custom group robot, or None."""
    if config.dingtalk is None or not config.dingtalk.robot_webhook:
        return None
    return GroupRobot(
        config.dingtalk.robot_webhook,
        config.dingtalk.robot_secret,
        timeouts=Timeouts.uniform(config.options.dingtalk.timeout_seconds),
    )
