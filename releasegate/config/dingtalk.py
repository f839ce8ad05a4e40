"""DingTalk's settings, from the environment (they are secrets or addresses).

DingTalk is enabled by its settings being present: with none of the `DINGTALK_*`
settings it is simply off (another platform, or ReleaseGate's own approvals, serve), and
with any of them every one it needs must be right."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from releasegate.config.problems import Problem
from releasegate.lib.msgcrypt import AES_KEY

ConnectorAuth = Literal["apisecret", "basic", "none"]
CardCallback = Literal["http", "stream"]
# From the developer console: the event token is 3-32 letters and digits.
_EVENT_TOKEN = re.compile(r"^[A-Za-z0-9]{3,32}$")
_ROUTE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class DingTalkSettings:
    app_key: str
    # repr=False on every secret: a dataclass's repr ends up in debug pages and logs.
    app_secret: str = field(repr=False)
    agent_id: int
    process_code: str
    # Empty when the event push is not used (Stream mode or the connector node instead).
    event_token: str = field(repr=False)
    event_aes_key: str = field(repr=False)
    connector_auth: ConnectorAuth
    connector_secret: str = field(repr=False)
    api_base: str
    oapi_base: str
    # The webhook URL carries the robot's access token.
    robot_webhook: str = field(repr=False)
    robot_secret: str = field(repr=False)
    # Approval cards (docs/dingtalk-setup.md, cards): the published template's id, ""
    # when cards are off; the apiSecret DingTalk signs card callbacks with; the
    # callbackRouteKey the callback URL is registered under.
    card_template_id: str = ""
    card_callback_secret: str = field(default="", repr=False)
    card_route_key: str = "releasegate"
    # How clicks reach ReleaseGate: "http" (POST /dingtalk/card) or "stream" (the
    # `releasegate stream` connection's card topic).
    card_callback: CardCallback = "http"

    @property
    def cards(self) -> bool:
        return bool(self.card_template_id)

    @property
    def event_push(self) -> bool:
        return bool(self.event_token and self.event_aes_key)

    @property
    def connector_basic(self) -> tuple[str, str]:
        """Basic auth's user and password, from `DINGTALK_CONNECTOR_SECRET=user:password`."""
        user, _, password = self.connector_secret.partition(":")
        return user, password


PREFIX = "DINGTALK_"


def dingtalk_wanted(environ: Mapping[str, str]) -> bool:
    """Whether any DingTalk setting is given (then DingTalk is meant to be enabled)."""
    return any(name.startswith(PREFIX) and value.strip() for name, value in environ.items())


def read_dingtalk(environ: Mapping[str, str], problems: list[Problem]) -> DingTalkSettings | None:
    """The DingTalk settings; None when none is given, or with each problem appended."""
    if not dingtalk_wanted(environ):
        return None
    found = len(problems)

    def required(name: str, hint: str) -> str:
        value = (environ.get(name) or "").strip()
        if not value:
            problems.append(Problem(name, f"not set ({hint})"))
        return value

    app_key = required("DINGTALK_APP_KEY", "the app's AppKey / Client ID")
    app_secret = required("DINGTALK_APP_SECRET", "the app's AppSecret / Client Secret")
    agent_id = _agent_id(required("DINGTALK_AGENT_ID", "the app's AgentId"), problems)
    process_code = required("DINGTALK_PROCESS_CODE", "the approval form's process code, PROC-…")
    event_token, aes_key = _event_push(environ, problems)
    auth = (environ.get("DINGTALK_CONNECTOR_AUTH") or "apisecret").strip().lower()
    if auth not in ("apisecret", "basic", "none"):
        problems.append(
            Problem("DINGTALK_CONNECTOR_AUTH", f"{auth!r}: use apisecret, basic or none")
        )
    secret = environ.get("DINGTALK_CONNECTOR_SECRET") or ""
    _connector_secret(auth, secret, problems)
    api_base = _base_url(environ, "DINGTALK_API_BASE", "https://api.dingtalk.com", problems)
    oapi_base = _base_url(environ, "DINGTALK_OAPI_BASE", "https://oapi.dingtalk.com", problems)
    webhook = (environ.get("DINGTALK_ROBOT_WEBHOOK") or "").strip()
    robot_secret = environ.get("DINGTALK_ROBOT_SECRET") or ""
    _robot(webhook, robot_secret, problems)
    template, card_secret, route_key, card_callback = _cards(environ, problems)
    if len(problems) > found:
        return None
    return DingTalkSettings(
        app_key=app_key,
        app_secret=app_secret,
        agent_id=agent_id,
        process_code=process_code,
        event_token=event_token,
        event_aes_key=aes_key,
        connector_auth=auth,  # type: ignore[arg-type]  # checked against the literal above
        connector_secret=secret,
        api_base=api_base,
        oapi_base=oapi_base,
        robot_webhook=webhook,
        robot_secret=robot_secret,
        card_template_id=template,
        card_callback_secret=card_secret,
        card_route_key=route_key,
        card_callback=card_callback,  # type: ignore[arg-type]  # checked in _cards
    )


def _cards(environ: Mapping[str, str], problems: list[Problem]) -> tuple[str, str, str, str]:
    """The approval cards' template, callback secret, route key and way back. Without the
    secret an HTTP card callback cannot be told from a forged one, so it is required
    there; Stream callbacks come over the app's own authenticated connection."""
    template = (environ.get("DINGTALK_CARD_TEMPLATE_ID") or "").strip()
    secret = (environ.get("DINGTALK_CARD_CALLBACK_SECRET") or "").strip()
    route_key = (environ.get("DINGTALK_CARD_ROUTE_KEY") or "releasegate").strip()
    callback = (environ.get("DINGTALK_CARD_CALLBACK") or "http").strip().lower()
    if callback not in ("http", "stream"):
        problems.append(Problem("DINGTALK_CARD_CALLBACK", f"{callback!r}: use http or stream"))
    if template and callback == "http" and len(secret) < 16:
        problems.append(
            Problem(
                "DINGTALK_CARD_CALLBACK_SECRET",
                "set at least 16 characters: the apiSecret DingTalk signs card clicks with",
            )
        )
    if not _ROUTE_KEY.match(route_key):
        problems.append(Problem("DINGTALK_CARD_ROUTE_KEY", "use 1-64 letters, digits, - or _"))
    return template, secret, route_key, callback


def _agent_id(raw: str, problems: list[Problem]) -> int:
    if raw and not raw.isdigit():
        problems.append(Problem("DINGTALK_AGENT_ID", f"{raw!r} is not a number"))
    return int(raw) if raw.isdigit() else 0


def _event_push(environ: Mapping[str, str], problems: list[Problem]) -> tuple[str, str]:
    """The HTTP event push's token and AES key: both or neither (Stream mode and the
    connector node need neither)."""
    token = (environ.get("DINGTALK_EVENT_TOKEN") or "").strip()
    aes_key = (environ.get("DINGTALK_EVENT_AES_KEY") or "").strip()
    checks = (
        ("DINGTALK_EVENT_TOKEN", token, _EVENT_TOKEN, "3-32 letters and digits (签名 token)"),
        ("DINGTALK_EVENT_AES_KEY", aes_key, AES_KEY, "43 letters and digits (加密 aes_key)"),
    )
    for name, value, pattern, what in checks:
        if value and not pattern.match(value):
            problems.append(Problem(name, f"must be {what}"))
        elif not value and (token or aes_key):
            problems.append(Problem(name, f"not set: event push needs it too ({what})"))
    return token, aes_key


def _connector_secret(auth: str, secret: str, problems: list[Problem]) -> None:
    if auth == "apisecret" and not secret:
        problems.append(
            Problem("DINGTALK_CONNECTOR_SECRET", "not set (the connector's API Secret)")
        )
    if auth == "basic" and (":" not in secret or not all(secret.partition(":")[::2])):
        problems.append(
            Problem("DINGTALK_CONNECTOR_SECRET", "for basic auth, set it to user:password")
        )


def _base_url(environ: Mapping[str, str], name: str, default: str, problems: list[Problem]) -> str:
    url = (environ.get(name) or default).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(Problem(name, f"{url!r} is not an http(s) URL"))
    return url


def _robot(webhook: str, secret: str, problems: list[Problem]) -> None:
    if not webhook:
        if secret:
            problems.append(
                Problem("DINGTALK_ROBOT_WEBHOOK", "not set, but DINGTALK_ROBOT_SECRET is")
            )
        return
    parts = urlsplit(webhook)
    if parts.scheme not in ("http", "https") or "access_token" not in parse_qs(parts.query):
        problems.append(
            Problem("DINGTALK_ROBOT_WEBHOOK", "must be the robot's URL with ?access_token=…")
        )
    if secret and not secret.startswith("SEC"):
        problems.append(
            Problem("DINGTALK_ROBOT_SECRET", "a robot's signing secret starts with SEC")
        )
