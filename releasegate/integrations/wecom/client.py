"""The connection to one WeCom app: its access token and jsapi ticket, the approval,
message and ticket calls (reference feishu-wecom.md §B, dingtalk.md §5.2).

WeCom answers HTTP 200 with `errcode`; the token travels in the query. A refused token is
fetched again once. A rate limit is not waited out here: WeCom blocks for the whole
window (a minute), so the caller's retry with backoff (the inbox, the outbox, the
reconcile) does it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

import httpx

from releasegate.integrations.wecom import errors
from releasegate.lib.http import OutboundClient, Timeouts, count_refusal
from releasegate.lib.redact import register_secret
from releasegate.lib.tokens import AccessTokens

logger = logging.getLogger("releasegate.wecom")

# Tokens and tickets live 7200 s; fetched again 5 minutes before they end.
MARGIN_SECONDS = 300
# getapprovalinfo's largest page and longest span.
PAGE_SIZE = 100
MAX_SPAN_SECONDS = 31 * 24 * 3600


class WeComClient:
    """One WeCom app's API. Thread-safe: threads may share one client."""

    def __init__(
        self,
        *,
        corp_id: str,
        corp_secret: str,
        agent_id: int,
        api_base: str = "https://qyapi.weixin.qq.com",
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        register_secret(corp_secret)
        self.corp_id = corp_id
        self.agent_id = agent_id
        self._secret = corp_secret
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=api_base.rstrip("/") + "/cgi-bin/",
            timeouts=timeouts or Timeouts(),
            transport=transport,
        )
        self.tokens = AccessTokens(self._fetch_token, clock, MARGIN_SECONDS)
        self.tickets = AccessTokens(self._fetch_ticket, clock, MARGIN_SECONDS)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def access_token(self) -> str:
        return self.tokens.current()

    def agent_ticket(self) -> str:
        """The app's jsapi ticket for `wx.agentConfig` (cached, refreshed before expiry)."""
        return self.tickets.current()

    def _fetch_token(self) -> tuple[str, int]:
        what = "the access token"
        response = self._http.request(
            "GET", "gettoken", params={"corpid": self.corp_id, "corpsecret": self._secret}
        )
        body = _checked(response, what, token_call=True)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise errors.UnexpectedResponse(f"{what}: WeCom's answer has no access_token")
        return token, _lives(body)

    def _fetch_ticket(self) -> tuple[str, int]:
        body = self._call("GET", "ticket/get", "the jsapi ticket", params={"type": "agent_config"})
        ticket = body.get("ticket")
        if not isinstance(ticket, str) or not ticket:
            raise errors.UnexpectedResponse("the jsapi ticket: WeCom's answer has no ticket")
        return ticket, _lives(body)

    # -- approvals -------------------------------------------------------------------

    def template(self, template_id: str) -> dict[str, Any]:
        return self._call(
            "POST", "oa/gettemplatedetail", "the template", json={"template_id": template_id}
        )

    def apply_event(self, body: dict[str, Any]) -> str:
        """Submit an application; its sp_no. WeCom has no idempotency key: a repeat makes
        a second application (see approvals.py for how a lost answer is handled)."""
        found = self._call("POST", "oa/applyevent", "submitting the application", json=body)
        sp_no = found.get("sp_no")
        if not isinstance(sp_no, str) or not sp_no:
            raise errors.UnexpectedResponse("submitting: WeCom's answer has no sp_no")
        return sp_no

    def approval_detail(self, sp_no: str) -> dict[str, Any]:
        what = f"application {sp_no[:40]}"
        try:
            found = self._call("POST", "oa/getapprovaldetail", what, json={"sp_no": sp_no})
        except (errors.StartRefused, errors.Refused) as exc:
            # WeCom documents no code for an unknown sp_no; a parameter error (301025) for
            # the one parameter there is says the same (reading chosen, UNCONFIRMED).
            raise errors.NotFound(exc.message, code=exc.code) from None
        info = found.get("info")
        if not isinstance(info, dict):
            raise errors.UnexpectedResponse(f"{what}: WeCom's answer has no info")
        return info

    def approval_numbers(self, start: int, end: int, filters: list[dict[str, str]]) -> list[str]:
        """sp_no of the applications made in [start, end] (seconds), every page, in spans
        of at most 31 days."""
        found: list[str] = []
        span_start = start
        while span_start <= end:
            span_end = min(end, span_start + MAX_SPAN_SECONDS - 1)
            cursor = ""
            for _ in range(10_000):  # a bound, should WeCom ever page forever
                body = {
                    "starttime": str(span_start),
                    "endtime": str(span_end),
                    "new_cursor": cursor,
                    "size": PAGE_SIZE,
                    "filters": filters,
                }
                page = self._call("POST", "oa/getapprovalinfo", "listing applications", json=body)
                listed = page.get("sp_no_list") or []
                found += [str(n) for n in listed if str(n) not in found]
                cursor = str(page.get("new_next_cursor") or "")
                if not cursor or not listed:
                    break
            span_start = span_end + 1
        return found

    # -- the directory (通讯录) -------------------------------------------------------

    def department_ids(self, department_id: int | None = None) -> list[int]:
        """The department and every one below it ("获取部门列表", `department/list?id=`,
        which answers all depths at once, in one answer); with no department, every one
        the app may see (its visible range, "不填则默认获取全量组织架构")."""
        what = (
            "the departments" if department_id is None else f"the departments under {department_id}"
        )
        params = {} if department_id is None else {"id": str(department_id)}
        found = self._call("GET", "department/list", what, params=params)
        departments = found.get("department") or []
        return [
            d["id"] for d in departments if isinstance(d, dict) and isinstance(d.get("id"), int)
        ]

    def department_members(self, department_id: int) -> list[dict[str, Any]]:
        """The people directly in the department ("获取部门成员详情", `user/list`), with
        userid and name; WeCom answers a department in one piece (no paging)."""
        what = f"the people of department {department_id}"
        found = self._call("GET", "user/list", what, params={"department_id": str(department_id)})
        people = found.get("userlist") or []
        return [
            p
            for p in people
            if isinstance(p, dict) and isinstance(p.get("userid"), str) and p["userid"]
        ]

    # -- messages --------------------------------------------------------------------

    def send(self, user_ids: list[str], message: dict[str, Any]) -> tuple[str, list[str]]:
        """Send an app message (`message` holds msgtype and its content) to the people;
        its msgid and the ids WeCom named invalid. Identical messages within 30 minutes
        are sent once (WeCom's duplicate check), so a retry never shows twice."""
        body = {
            "touser": "|".join(user_ids),
            "agentid": self.agent_id,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
            **message,
        }
        found = self._call("POST", "message/send", "sending a message", json=body)
        invalid = [u for u in str(found.get("invaliduser") or "").split("|") if u]
        return str(found.get("msgid") or ""), invalid

    # -- the calls -------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        def once(token: str) -> dict[str, Any]:
            response = self._http.request(
                method, path, params={**(params or {}), "access_token": token}, json=json
            )
            return _checked(response, what)

        token = self.tokens.current()
        try:
            return once(token)
        except errors.TokenRejected:
            logger.info("WeCom refused the access token; fetching a new one")
        return once(self.tokens.refresh(token))


def _checked(response: httpx.Response, what: str, *, token_call: bool = False) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        raise errors.error_for(None, "", what, response.status_code)
    code = body.get("errcode", 0)
    if not isinstance(code, int):
        raise errors.UnexpectedResponse(f"{what}: errcode {code!r} is not a number")
    if code != 0:
        count_refusal(errors.SERVICE, code)
        refused = errors.error_for(code, str(body.get("errmsg") or "")[:300], what)
        if token_call and isinstance(refused, errors.Refused | errors.TokenRejected):
            refused = errors.CredentialsRejected(refused.message, code=code)
        raise refused
    return body


def _lives(body: dict[str, Any]) -> int:
    lives = body.get("expires_in")
    return lives if isinstance(lives, int) and lives > 0 else 7200
