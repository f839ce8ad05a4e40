"""Telling people in WeCom (reference §B4): each person an app message (`message/send`,
Markdown, which the WeCom client renders), the group by its robot (`webhook/send`).

WeCom's duplicate check (30 minutes) keeps a retry of the same message from showing
twice. People WeCom names invalid are reported as not reached; WeCom also drops, without
saying so, more than 30 messages a minute to one member.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx

from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.client import WeComClient
from releasegate.lib.http import OutboundClient, Timeouts, count_refusal
from releasegate.lib.redact import register_secret
from releasegate.releases.approvals.ports import SentMessage

# WeCom's Markdown is at most 2048 bytes for an app message, 4096 for the robot.
_APP_BYTES, _ROBOT_BYTES = 2048, 4096


def _cut(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode("utf-8", "ignore") + "…"


def _markdown(title: str, markdown: str, limit: int) -> str:
    first = markdown.partition("\n")[0]
    body = markdown if first.lstrip("#").strip() == title else f"**{title}**\n{markdown}"
    return _cut(body, limit)


def text_card(title: str, markdown: str, link: str) -> dict[str, Any]:
    """`textcard`: the title (at most 128), the message as plain lines (at most 512: the
    first lines matter most) and the button to the release's page."""
    lines = []
    for line in markdown.splitlines():
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).lstrip("#>-* ").strip()
        if plain and plain.strip("`") and plain != title:
            lines.append(escape(plain))
    description = "<br>".join(lines)
    if len(description) > 512:
        description = description[:509] + "…"
    card = {"title": title[:128], "description": description, "url": link, "btntxt": "详情"}
    return {"msgtype": "textcard", "textcard": card}


class WeComMessenger:
    """Each person by an app message; the group by its robot, when configured."""

    def __init__(self, client: WeComClient, robot: GroupRobot | None) -> None:
        self.client = client
        self.robot = robot

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage:
        """A text card opening the release's page when the link is known (WeCom's phones
        and PCs both show it), else the Markdown."""
        content = (
            text_card(title, markdown, link)
            if link
            else {
                "msgtype": "markdown",
                "markdown": {"content": _markdown(title, markdown, _APP_BYTES)},
            }
        )
        try:
            msgid, invalid = self.client.send(list(dict.fromkeys(user_ids)), content)
        except errors.Refused as exc:
            if exc.code == errors.ALL_RECIPIENTS_INVALID:
                raise errors.Refused(
                    f"WeCom knows none of the recipients: {exc.message}", code=exc.code
                ) from None
            raise
        return SentMessage(reference=msgid, not_reached=tuple(invalid))

    def send_to_group(self, title: str, markdown: str, link: str = "") -> SentMessage:
        if self.robot is None:
            raise ValueError("no WeCom group robot is configured (WECOM_ROBOT_WEBHOOK)")
        text = f"{markdown}\n[查看发布详情]({link})" if link else markdown
        self.robot.send_markdown(_markdown(title, text, _ROBOT_BYTES))
        return SentMessage(reference="")


class GroupRobot:
    """A group robot (群机器人): its webhook URL carries the key, its only secret."""

    def __init__(
        self,
        webhook: str,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(webhook)
        self._query = dict(parse_qsl(parts.query))
        register_secret(self._query.get("key"))
        self._path = parts.path.lstrip("/")
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=urlunsplit((parts.scheme, parts.netloc, "/", "", "")),
            timeouts=timeouts or Timeouts(),
            transport=transport,
        )

    def send_markdown(self, content: str) -> None:
        what = "a group robot message"
        body: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": content}}
        response = self._http.request("POST", self._path, params=self._query, json=body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200 or not isinstance(answer, dict):
            raise errors.error_for(None, "", what, response.status_code)
        code = answer.get("errcode", 0)
        if code != 0:
            count_refusal(errors.SERVICE, code if isinstance(code, int) else -1)
            raise errors.error_for(
                code if isinstance(code, int) else None, str(answer.get("errmsg") or "")[:300], what
            )

    def close(self) -> None:
        self._http.close()
