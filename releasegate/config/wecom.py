"""WeCom's (企业微信) settings, from the environment (they are secrets or addresses).

Like the other platforms, WeCom is enabled by its settings being present: with none of
the `WECOM_*` settings it is off, and with any of them every one it needs must be right."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from releasegate.config.flags import read_flag
from releasegate.config.problems import Problem
from releasegate.lib.msgcrypt import AES_KEY

PREFIX = "WECOM_"
DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"


@dataclass(frozen=True)
class WeComSettings:
    corp_id: str
    # repr=False on every secret: a dataclass's repr ends up in debug pages and logs.
    corp_secret: str = field(repr=False)
    agent_id: int
    # The release approval template (审批模板 id).
    template_id: str
    # The app's 接收消息 settings, for `/wecom/events` ("": not used).
    callback_token: str = field(repr=False)
    callback_aes_key: str = field(repr=False)
    api_base: str
    # The group robot's webhook URL carries its key.
    robot_webhook: str = field(repr=False)
    # The picker pages: the JS-SDK they load ("": WeCom's own), and the token their
    # address must carry ("": none).
    jssdk_url: str = ""
    picker_token: str = field(default="", repr=False)
    # Each approver whose turn it is gets a card showing what the release changes, that
    # opens the request's page on the dashboard (WeCom's approvals cannot be decided
    # from outside the 审批 app); needs RELEASEGATE_PUBLIC_URL.
    approval_cards: bool = False

    @property
    def callbacks(self) -> bool:
        return bool(self.callback_token and self.callback_aes_key)


def wecom_wanted(environ: Mapping[str, str]) -> bool:
    return any(name.startswith(PREFIX) and value.strip() for name, value in environ.items())


def read_wecom(environ: Mapping[str, str], problems: list[Problem]) -> WeComSettings | None:
    """The WeCom settings; None when none is given, or with each problem appended."""
    if not wecom_wanted(environ):
        return None
    found = len(problems)

    def value(name: str) -> str:
        return (environ.get(name) or "").strip()

    def required(name: str, hint: str) -> str:
        given = value(name)
        if not given:
            problems.append(Problem(name, f"not set ({hint})"))
        return given

    corp_id = required("WECOM_CORP_ID", "the company's CorpID, ww…")
    corp_secret = required("WECOM_CORP_SECRET", "the app's Secret")
    agent = required("WECOM_AGENT_ID", "the app's AgentId")
    if agent and not agent.isdigit():
        problems.append(Problem("WECOM_AGENT_ID", f"{agent!r} is not a number"))
    template_id = required("WECOM_TEMPLATE_ID", "the release approval template's id")
    token, aes_key = value("WECOM_CALLBACK_TOKEN"), value("WECOM_CALLBACK_AES_KEY")
    if aes_key and not AES_KEY.match(aes_key):
        problems.append(
            Problem("WECOM_CALLBACK_AES_KEY", "must be 43 letters and digits (EncodingAESKey)")
        )
    if bool(token) != bool(aes_key):
        missing = "WECOM_CALLBACK_AES_KEY" if token else "WECOM_CALLBACK_TOKEN"
        problems.append(
            Problem(missing, "not set: the callback needs the Token and the EncodingAESKey")
        )
    api_base = (value("WECOM_API_BASE") or DEFAULT_API_BASE).rstrip("/")
    parts = urlsplit(api_base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(Problem("WECOM_API_BASE", f"{api_base!r} is not an http(s) URL"))
    webhook = value("WECOM_ROBOT_WEBHOOK")
    if webhook and "key" not in parse_qs(urlsplit(webhook).query):
        problems.append(Problem("WECOM_ROBOT_WEBHOOK", "must be the robot's URL with ?key=…"))
    jssdk_url, picker_token = value("WECOM_JSSDK_URL"), value("WECOM_PICKER_TOKEN")
    if jssdk_url and urlsplit(jssdk_url).scheme not in ("http", "https"):
        problems.append(Problem("WECOM_JSSDK_URL", f"{jssdk_url!r} is not an http(s) URL"))
    approval_cards = read_flag(environ, "WECOM_APPROVAL_CARDS", problems)
    if len(problems) > found:
        return None
    return WeComSettings(
        corp_id=corp_id,
        corp_secret=corp_secret,
        agent_id=int(agent),
        template_id=template_id,
        callback_token=token,
        callback_aes_key=aes_key,
        api_base=api_base,
        robot_webhook=webhook,
        jssdk_url=jssdk_url,
        picker_token=picker_token,
        approval_cards=approval_cards,
    )
