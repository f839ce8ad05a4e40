"""The connection to one Feishu app: its tenant token, the approval and message calls,
the retries (reference §A2, §A4, §A5).

Every call sends `Authorization: Bearer <tenant_access_token>`. A refused token is
fetched again once; a rate limit (HTTP 429, code 99991400) waits out
`x-ogw-ratelimit-reset` and tries again, a few times.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.raw import (
    RawCreated,
    RawDefinition,
    RawDepartmentPage,
    RawInstance,
    RawInstanceCodes,
    RawMember,
    RawMemberPage,
    RawMessage,
    RawTenantToken,
)
from releasegate.lib.http import OutboundClient, Timeouts, count_refusal
from releasegate.lib.redact import register_secret
from releasegate.lib.tokens import AccessTokens
from releasegate.lib.validation import first_problem

logger = logging.getLogger("releasegate.feishu")

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
# A tenant token lives 7200 s and Feishu issues a new one only inside its last 30 minutes
# (asking earlier returns the same token with what is left): fetched again 5 minutes
# before it ends, which is inside that half hour.
TOKEN_MARGIN_SECONDS = 300
# Listing instance codes: the largest page Feishu gives.
PAGE_SIZE = 100
# The directory's largest pages: 50 departments ("获取子部门列表"), 50 people
# ("获取部门直属用户列表").
DIRECTORY_PAGE_SIZE = 50
# A rate limit that resets sooner than this is waited out in the call; a longer one is
# handed back (transient), so the inbox, the outbox or the reconcile tries again later
# instead of holding one of their few threads for up to a minute.
MAX_INLINE_WAIT_SECONDS = 5.0


class FeishuClient:
    """One Feishu app's API. Thread-safe: threads may share one client."""

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        api_base: str = "https://open.feishu.cn",
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rate_attempts: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        register_secret(app_secret)
        self.app_id = app_id
        self._app_secret = app_secret
        self._sleep = sleep
        self._rate_attempts = max(rate_attempts, 1)
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=api_base.rstrip("/") + "/open-apis/",
            timeouts=timeouts or Timeouts(),
            transport=transport,
        )
        self.tokens = AccessTokens(self._fetch_token, clock, TOKEN_MARGIN_SECONDS)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the token -------------------------------------------------------------------

    def tenant_token(self) -> str:
        """The current tenant token (fetched when needed). Raises `CredentialsRejected`
        when Feishu refuses the App ID or App Secret."""
        return self.tokens.current()

    def _fetch_token(self) -> tuple[str, int]:
        what = "the tenant access token"
        body = {"app_id": self.app_id, "app_secret": self._app_secret}

        def once() -> RawTenantToken:
            response = self._http.request("POST", "auth/v3/tenant_access_token/internal", json=body)
            raw = _parsed(RawTenantToken, response, what)
            if raw.code != 0 or not raw.tenant_access_token:
                refused = errors.error_for(response, raw.code, raw.msg, what)
                if isinstance(refused, errors.TokenRejected | errors.Refused):
                    # Whatever Feishu says about the app's own credentials means they are wrong.
                    refused = errors.CredentialsRejected(
                        refused.message, status=refused.status, code=refused.code
                    )
                raise refused
            return raw

        raw = self._retrying_limits(once)
        return raw.tenant_access_token, raw.expire

    # -- approvals -------------------------------------------------------------------

    def get_definition(self, approval_code: str) -> RawDefinition:
        data = self._call("GET", f"approval/v4/approvals/{_segment(approval_code)}", "the form")
        return _model(RawDefinition, data, "the form")

    def subscribe(self, approval_code: str) -> bool:
        """Subscribe the app to the definition's events; False when it already was."""
        path = f"approval/v4/approvals/{_segment(approval_code)}/subscribe"
        try:
            self._call("POST", path, "subscribing to the form's events")
        except errors.FeishuError as exc:
            if exc.code == errors.ALREADY_SUBSCRIBED:
                return False
            raise
        return True

    def get_instance(self, instance_code: str) -> RawInstance:
        what = f"approval {instance_code[:80]}"
        data = self._call("GET", f"approval/v4/instances/{_segment(instance_code)}", what)
        return _model(RawInstance, data, what)

    def list_instance_codes(self, approval_code: str, start_ms: int, end_ms: int) -> list[str]:
        """Codes of the definition's instances started in [start_ms, end_ms], every page."""
        codes: list[str] = []
        page_token = ""
        for _ in range(1000):  # a bound, should Feishu ever page forever
            params = {
                "approval_code": approval_code,
                "start_time": str(start_ms),
                "end_time": str(end_ms),
                "page_size": str(PAGE_SIZE),
            }
            if page_token:
                params["page_token"] = page_token
            data = self._call("GET", "approval/v4/instances", "listing approvals", params=params)
            page = _model(RawInstanceCodes, data, "listing approvals")
            codes += [code for code in page.instance_code_list if code not in codes]
            if not page.has_more or not page.page_token:
                break
            page_token = page.page_token
        return codes

    def create_instance(
        self, approval_code: str, open_id: str, form: list[dict[str, Any]], uuid: str
    ) -> str:
        """Start an instance as the person; its code. Raises `FeishuError` with code 60012
        when `uuid` was used before (the instance exists)."""
        body = {
            "approval_code": approval_code,
            "open_id": open_id,
            "form": json.dumps(form, ensure_ascii=False),
            "uuid": uuid,
        }
        data = self._call("POST", "approval/v4/instances", "starting the approval", json=body)
        return _model(RawCreated, data, "starting the approval").instance_code

    def decide_task(
        self,
        *,
        approve: bool,
        approval_code: str,
        instance_code: str,
        open_id: str,
        task_id: str,
        comment: str,
    ) -> None:
        action = "approve" if approve else "reject"
        body = {
            "approval_code": approval_code,
            "instance_code": instance_code,
            "user_id": open_id,
            "task_id": task_id,
            "comment": comment,
        }
        self._call(
            "POST",
            f"approval/v4/tasks/{action}",
            f"{action} task {task_id[:40]}",
            params={"user_id_type": "open_id"},
            json=body,
        )

    # -- the directory (通讯录) -------------------------------------------------------

    def department_ids_under(self, open_department_id: str) -> list[str]:
        """The open_department_id of every department below this one ("0": the root),
        at any depth (`fetch_child=true`), every page."""
        path = f"contact/v3/departments/{_segment(open_department_id)}/children"
        params = {"department_id_type": "open_department_id", "fetch_child": "true"}
        found: list[str] = []
        for data in self._pages(path, f"the departments under {open_department_id}", params):
            page = _model(RawDepartmentPage, data, "the departments")
            found += [dept.open_department_id for dept in page.items]
        return found

    def department_members(self, open_department_id: str) -> list[RawMember]:
        """The people directly in the department, by open_id, every page."""
        params = {
            "department_id": open_department_id,
            "department_id_type": "open_department_id",
            "user_id_type": "open_id",
        }
        what = f"the people of department {open_department_id}"
        members: list[RawMember] = []
        for data in self._pages("contact/v3/users/find_by_department", what, params):
            members += _model(RawMemberPage, data, what).items
        return members

    def _pages(self, path: str, what: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Each page's `data` of a directory listing, following `page_token`."""
        page_token = ""
        for _ in range(100_000):  # a bound, should Feishu ever page forever
            query = {**params, "page_size": str(DIRECTORY_PAGE_SIZE)}
            if page_token:
                query["page_token"] = page_token
            data = self._call("GET", path, what, params=query)
            yield data
            page_token = str(data.get("page_token") or "")
            if not data.get("has_more") or not page_token:
                return

    # -- messages --------------------------------------------------------------------

    def send_message(
        self, receive_id_type: str, receive_id: str, msg_type: str, content: str, uuid: str
    ) -> str:
        """Send one message; its id. Feishu drops a repeat of `uuid` within an hour."""
        body = {"receive_id": receive_id, "msg_type": msg_type, "content": content, "uuid": uuid}
        data = self._call(
            "POST",
            "im/v1/messages",
            "sending a message",
            params={"receive_id_type": receive_id_type},
            json=body,
        )
        return _model(RawMessage, data, "sending a message").message_id

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
        """One call with the tenant token; its `data`, or the typed error."""

        def once(token: str) -> dict[str, Any]:
            response = self._http.request(
                method,
                path,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
            )
            return _data(response, what)

        token = self.tokens.current()
        try:
            return self._retrying_limits(lambda: once(token))
        except errors.TokenRejected:
            logger.info("Feishu refused the tenant token; fetching a new one")
        fresh = self.tokens.refresh(token)
        return self._retrying_limits(lambda: once(fresh))

    def _retrying_limits(self, call: Callable[[], R]) -> R:
        """Run `call`; while Feishu answers with its rate limit, wait as long as it says
        (when that is short) and try again, `rate_attempts` times in all."""
        attempt = 1
        while True:
            try:
                return call()
            except errors.RateLimited as exc:
                if attempt >= self._rate_attempts or exc.reset_seconds > MAX_INLINE_WAIT_SECONDS:
                    raise
                logger.warning(
                    "Feishu rate limit (%s); retrying in %.1f s", exc.code, exc.reset_seconds
                )
                self._sleep(exc.reset_seconds)
                attempt += 1


def _segment(value: str) -> str:
    """An id as one path segment (ids come from events and users: never a path)."""
    return quote(value, safe="")


def _data(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if response.status_code != 200:
            raise errors.error_for(response, None, "", what)
        raise errors.UnexpectedResponse(f"{what}: Feishu's answer is not a JSON object")
    code = body.get("code")
    if not isinstance(code, int):
        raise errors.error_for(response, None, "", what)
    if code != 0 or response.status_code != 200:
        count_refusal(errors.SERVICE, code)
        raise errors.error_for(response, code, str(body.get("msg") or "")[:300], what)
    data = body.get("data")
    return data if isinstance(data, dict) else {}


def _parsed(model: type[M], response: httpx.Response, what: str) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        if response.status_code != 200:
            raise errors.error_for(response, None, "", what) from None
        where, problem = first_problem(exc)
        raise errors.UnexpectedResponse(
            f"{what}: Feishu's answer is malformed at {where}: {problem}",
            status=response.status_code,
        ) from None


def _model(model: type[M], data: dict[str, Any], what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where, problem = first_problem(exc)
        raise errors.UnexpectedResponse(
            f"{what}: Feishu's answer is malformed at {where}: {problem}"
        ) from None
