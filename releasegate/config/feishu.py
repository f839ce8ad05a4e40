"""Feishu's (Lark's) settings, from the environment (they are secrets or addresses).

Like DingTalk, Feishu is enabled by its settings being present: with none of the
`FEISHU_*` settings it is off, and with any of them every one it needs must be right."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from releasegate.config.flags import read_flag
from releasegate.config.problems import Problem

PREFIX = "FEISHU_"
DEFAULT_API_BASE = "https://open.feishu.cn"


@dataclass(frozen=True)
class FeishuSettings:
    app_id: str
    # repr=False on every secret: a dataclass's repr ends up in debug pages and logs.
    app_secret: str = field(repr=False)
    # The release form's approval definition (审批定义 code).
    approval_code: str
    # The event subscription's Verification Token and Encrypt Key ("": not used).
    verification_token: str = field(repr=False)
    encrypt_key: str = field(repr=False)
    # The external options' Token (required by Feishu) and Key (optional: encrypted answers).
    options_token: str = field(repr=False)
    options_key: str = field(repr=False)
    # https://open.feishu.cn, or https://open.larksuite.com for Lark tenants.
    api_base: str
    # The custom bot's webhook URL carries its token.
    robot_webhook: str = field(repr=False)
    robot_secret: str = field(repr=False)
    # Each approver of the release form gets a card to approve or refuse from the chat.
    decision_cards: bool = False

    @property
    def event_push(self) -> bool:
        """Whether `POST /feishu/events` can authenticate a delivery."""
        return bool(self.verification_token)


def feishu_wanted(environ: Mapping[str, str]) -> bool:
    """Whether any Feishu setting is given (then Feishu is meant to be enabled)."""
    return any(name.startswith(PREFIX) and value.strip() for name, value in environ.items())


def read_feishu(environ: Mapping[str, str], problems: list[Problem]) -> FeishuSettings | None:
    """The Feishu settings; None when none is given, or with each problem appended."""
    if not feishu_wanted(environ):
        return None
    found = len(problems)

    def value(name: str) -> str:
        return (environ.get(name) or "").strip()

    def required(name: str, hint: str) -> str:
        given = value(name)
        if not given:
            problems.append(Problem(name, f"not set ({hint})"))
        return given

    app_id = required("FEISHU_APP_ID", "the app's App ID, cli_…")
    app_secret = required("FEISHU_APP_SECRET", "the app's App Secret")
    approval_code = required("FEISHU_APPROVAL_CODE", "the release form's approval code")
    if app_id and not app_id.startswith("cli_"):
        problems.append(Problem("FEISHU_APP_ID", f"{app_id!r}: an App ID starts with cli_"))
    encrypt_key = value("FEISHU_ENCRYPT_KEY")
    token = value("FEISHU_VERIFICATION_TOKEN")
    if encrypt_key and not token:
        problems.append(
            Problem("FEISHU_VERIFICATION_TOKEN", "not set: events are checked against it")
        )
    options_key = value("FEISHU_OPTIONS_KEY")
    options_token = value("FEISHU_OPTIONS_TOKEN")
    if options_key and not options_token:
        problems.append(
            Problem("FEISHU_OPTIONS_TOKEN", "not set: the external options need their Token")
        )
    api_base = _base_url(value("FEISHU_API_BASE") or DEFAULT_API_BASE, problems)
    webhook = value("FEISHU_ROBOT_WEBHOOK")
    robot_secret = value("FEISHU_ROBOT_SECRET")
    _robot(webhook, robot_secret, problems)
    decision_cards = read_flag(environ, "FEISHU_DECISION_CARDS", problems)
    if len(problems) > found:
        return None
    return FeishuSettings(
        app_id=app_id,
        app_secret=app_secret,
        approval_code=approval_code,
        verification_token=token,
        encrypt_key=encrypt_key,
        options_token=options_token,
        options_key=options_key,
        api_base=api_base,
        robot_webhook=webhook,
        robot_secret=robot_secret,
        decision_cards=decision_cards,
    )


def _base_url(url: str, problems: list[Problem]) -> str:
    url = url.rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(Problem("FEISHU_API_BASE", f"{url!r} is not an http(s) URL"))
    return url


def _robot(webhook: str, secret: str, problems: list[Problem]) -> None:
    if not webhook:
        if secret:
            problems.append(Problem("FEISHU_ROBOT_WEBHOOK", "not set, but FEISHU_ROBOT_SECRET is"))
        return
    parts = urlsplit(webhook)
    if parts.scheme not in ("http", "https") or "/bot/v2/hook/" not in parts.path:
        problems.append(
            Problem(
                "FEISHU_ROBOT_WEBHOOK", "must be the custom bot's URL, …/open-apis/bot/v2/hook/…"
            )
        )
