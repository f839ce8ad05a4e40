"""Placeholders left in place: the values of `deploy/kubernetes/secret.example.yaml` (and
of any example written the same way) are refused, named by their setting.

A copied example that was never filled in would otherwise pass every other check: its
secret key is long enough, its tokens look like tokens. Two marks give a placeholder
away: the word "replace" (every secret of the example says "replace-with-…" or
"replace-me"), and, in an address, a host under a domain reserved for documentation
(RFC 2606: example.com, .org, .net, and the .example and .invalid top-level domains),
which can never be a real Jenkins or database.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from releasegate.config.problems import Problem

# The settings a person fills in by hand from an example.
FILLED_IN = (
    "SECRET_KEY",
    "DATABASE_URL",
    "JENKINS_URL",
    "JENKINS_USER",
    "JENKINS_TOKEN",
    "JENKINS_PASSWORD",
    "DINGTALK_APP_KEY",
    "DINGTALK_APP_SECRET",
    "DINGTALK_AGENT_ID",
    "DINGTALK_PROCESS_CODE",
    "DINGTALK_EVENT_TOKEN",
    "DINGTALK_EVENT_AES_KEY",
    "DINGTALK_CONNECTOR_SECRET",
    "DINGTALK_ROBOT_WEBHOOK",
    "DINGTALK_ROBOT_SECRET",
    "DINGTALK_CARD_CALLBACK_SECRET",
    "METRICS_TOKEN",
    "EMAIL_HOST_PASSWORD",
)
ADDRESSES = ("DATABASE_URL", "JENKINS_URL")
RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "example", "invalid")


def refuse_placeholders(environ: Mapping[str, str], problems: list[Problem]) -> None:
    """Append a problem for each setting in FILLED_IN that still holds a placeholder,
    unless that setting has a problem already (one message per setting is enough)."""
    named = {problem.setting for problem in problems}
    for name in FILLED_IN:
        value = environ.get(name) or ""
        if name in named or not value:
            continue
        if "replace" in value.lower():
            problems.append(Problem(name, "still holds the example's placeholder; set your own"))
        elif name in ADDRESSES and _reserved_host(value):
            problems.append(
                Problem(name, "names a host reserved for examples; set your own address")
            )


def _reserved_host(url: str) -> bool:
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return False
    return any(host == domain or host.endswith(f".{domain}") for domain in RESERVED_DOMAINS)
