"""Telling people in Feishu (reference §A4): each person an interactive card from the app
(`im/v1/messages` by open_id), the group by its custom bot (signed when a secret is set).

A card is the title over the message's Markdown. Each send carries a `uuid` made from the
recipient and the content: Feishu drops a repeat within an hour, so a retry after a lost
answer never shows a message twice (and identical news twice within the hour is one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.lib.http import OutboundClient, Timeouts, count_refusal
from releasegate.lib.redact import register_secret
from releasegate.releases.approvals.ports import SentMessage


def card(title: str, markdown: str, link: str = "") -> dict[str, Any]:
    """The message as a card: the title in its header, the Markdown below (without a
    first heading that repeats the title: the header shows it)."""
    first, _, rest = markdown.partition("\n")
    if first.startswith("#") and first.lstrip("#").strip() == title:
        markdown = rest.lstrip("\n")
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": markdown}]
    if link:
        button = {
            "tag": "button",
            "text": {"tag": "plain_text", "content": "查看发布详情"},
            "type": "default",
            "url": link,
        }
        elements.append({"tag": "action", "actions": [button]})
    return {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
        "elements": elements,
    }


def message_uuid(receive_id: str, content: str) -> str:
    return hashlib.sha256(f"{receive_id}\n{content}".encode()).hexdigest()[:50]


class FeishuMessenger:
    """Each person by an app card; the group by the custom bot, when configured."""

    def __init__(self, client: FeishuClient, bot: CustomBot | None) -> None:
        self.client = client
        self.bot = bot

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage:
        """One card per person. People Feishu refuses (not in the app's range, unknown)
        are named as not reached; a failure that is about Feishu or the app, not the
        person, is raised so the whole message is tried again (the uuids keep those
        already sent from showing twice)."""
        content = json.dumps(card(title, markdown, link), ensure_ascii=False)
        sent: list[str] = []
        missed: list[str] = []
        for open_id in dict.fromkeys(user_ids):
            try:
                sent.append(
                    self.client.send_message(
                        "open_id", open_id, "interactive", content, message_uuid(open_id, content)
                    )
                )
            except errors.Refused:
                missed.append(open_id)
        if missed and not sent:
            raise errors.Refused(f"Feishu refused the message for every recipient ({len(missed)})")
        return SentMessage(reference=",".join(sent)[:200], not_reached=tuple(missed))

    def send_to_group(self, title: str, markdown: str, link: str = "") -> SentMessage:
        if self.bot is None:
            raise ValueError("no Feishu custom bot is configured (FEISHU_ROBOT_WEBHOOK)")
        self.bot.send_card(card(title, markdown, link))
        return SentMessage(reference="")


def bot_sign(secret: str, timestamp: int) -> str:
    """A custom bot's signature: HMAC-SHA256 keyed with "timestamp\\nsecret" over nothing,
    base64 (Feishu's 自定义机器人 guide, 签名校验)."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


# The bot's refusals: 19021 signature or timestamp wrong, 9499 and 11232 too many messages.
BOT_THROTTLED = frozenset({9499, 11232})


class CustomBot:
    """One group's custom bot (its webhook URL carries the token)."""

    def __init__(
        self,
        webhook: str,
        secret: str = "",
        *,
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(webhook)
        register_secret(parts.path.rsplit("/", 1)[-1])
        register_secret(secret)
        self._path = parts.path.lstrip("/")
        self._secret = secret
        self._clock = clock
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=urlunsplit((parts.scheme, parts.netloc, "/", "", "")),
            timeouts=timeouts or Timeouts(),
            transport=transport,
        )

    def send_card(self, content: dict[str, Any]) -> None:
        body: dict[str, Any] = {"msg_type": "interactive", "card": content}
        if self._secret:
            timestamp = int(self._clock())
            body |= {"timestamp": str(timestamp), "sign": bot_sign(self._secret, timestamp)}
        what = "a custom bot message"
        response = self._http.request("POST", self._path, json=body)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise errors.error_for(response, None, "", what)
        # Older bots answer {"StatusCode": 0}; newer ones {"code": 0}.
        code = payload.get("code", payload.get("StatusCode", 0))
        if response.status_code == 200 and code == 0:
            return
        code = code if isinstance(code, int) else None
        if code is not None:
            count_refusal(errors.SERVICE, code)
        message = str(payload.get("msg") or payload.get("StatusMessage") or "")[:300]
        if code in BOT_THROTTLED:
            raise errors.RateLimited(f"{what}: the bot is throttled ({code}: {message})", code=code)
        raise errors.error_for(response, code, message, what)

    def close(self) -> None:
        self._http.close()
