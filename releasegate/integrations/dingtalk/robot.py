"""The custom group robot: a webhook URL with its own `access_token`, signed with the
robot's `SEC…` secret (加签). It needs no app credentials.

DingTalk answers HTTP 200 even when it refuses a message; only `errcode` tells
(reference section 4.1, "always check errcode").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import httpx

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.crypto import robot_sign
from releasegate.lib.http import OutboundClient, Timeouts, count_refusal
from releasegate.lib.redact import register_secret
from releasegate.releases.approvals.ports import SentMessage

# 20 messages a minute per robot; beyond that it is blocked for 10 minutes. The code is
# from third-party maps (UNCONFIRMED against the official page).
THROTTLED_ERRCODE = 410100


class GroupRobot:
    """One group's custom robot. `clock` gives wall-clock seconds for the signature's
    millisecond timestamp, which DingTalk accepts within an hour of its own time."""

    def __init__(
        self,
        webhook: str,
        secret: str = "",
        *,
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.time,
        verify_tls: bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(webhook)
        query = dict(parse_qsl(parts.query))
        if "access_token" not in query:
            raise ValueError("a robot webhook URL carries ?access_token=")
        register_secret(query["access_token"])
        register_secret(secret)
        self._path = urlunsplit(("", "", parts.path, "", ""))
        self._query = query
        self._secret = secret
        self._clock = clock
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=urlunsplit((parts.scheme, parts.netloc, "/", "", "")),
            timeouts=timeouts or Timeouts(),
            verify=verify_tls,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send_markdown(
        self, title: str, markdown: str, *, at_user_ids: Sequence[str] = ()
    ) -> SentMessage:
        """Post a markdown message to the group, mentioning `at_user_ids` (each must also
        appear as @userid in the text to render). Raises `RobotThrottled` (transient)
        when the robot is over its rate, `MessageRejected` for any other `errcode`."""
        body = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": markdown},
            "at": {"atUserIds": list(at_user_ids), "isAtAll": False},
        }
        self._post(body)
        return SentMessage(reference="")

    def _post(self, body: dict[str, Any]) -> None:
        params = dict(self._query)
        if self._secret:
            timestamp = int(self._clock() * 1000)
            params["timestamp"] = str(timestamp)
            # robot_sign URL-encodes; httpx would encode it again, so send it decoded.
            params["sign"] = unquote(robot_sign(self._secret, timestamp))
        what = "a group robot message"
        response = self._http.request("POST", self._path.lstrip("/"), params=params, json=body)
        if response.status_code != 200:
            raise errors.v1_error(response, what)
        payload = errors.json_body(response)
        if payload is None or not isinstance(payload.get("errcode", 0), int):
            raise errors.UnexpectedResponse(f"{what}: DingTalk's answer has no errcode")
        errcode: int = payload.get("errcode", 0)
        if errcode == 0:
            return
        count_refusal(errors.SERVICE, errcode)
        said = f"{what} (errcode {errcode}: {payload.get('errmsg') or ''})"
        if errcode == THROTTLED_ERRCODE:
            raise errors.RobotThrottled(f"the robot is throttled: {said}", code=errcode)
        raise errors.MessageRejected(f"DingTalk refused {said}", code=errcode)
