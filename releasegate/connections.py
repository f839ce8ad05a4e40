"""The client for the Jenkins ReleaseGate is configured to drive. (Each approval platform
makes its own clients: `releasegate.platforms`.)"""

from __future__ import annotations

import math

from releasegate.config import Config
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
