"""The simulated Feishu's Open API: routing, authentication, frequency limits and faults
for every endpoint under `/open-apis/`.

Transport-free: `FeishuApp.handle(request)` turns a parsed request into a response; the
server (server.py) adds sockets and latency. Every API but the token endpoint and the
custom bot wants `Authorization: Bearer <tenant_access_token>`: none is 99991661, an
unknown or expired one 99991663, both HTTP 400 (third-party captures of open.feishu.cn,
e.g. `{"code":99991661,"msg":"Missing access token for authorization…","error":{…}}`;
lark-oapi only passes the code on).
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from releasegate.simulators.feishu import directory
from releasegate.simulators.feishu.approvals import api as approvals
from releasegate.simulators.feishu.faults import (
    TOKEN_INVALID,
    TOKEN_INVALID_MSG,
    TOKEN_MISSING,
    TOKEN_MISSING_MSG,
)
from releasegate.simulators.feishu.long_connection import api as long_connection
from releasegate.simulators.feishu.state import RequestRecord, World
from releasegate.simulators.feishu.wire import (
    ApiFailure,
    Request,
    Response,
    error,
    json_response,
    ok,
)

Handler = Callable[..., "dict[str, Any] | Response"]
# 自建应用获取 tenant_access_token: a wrong app_id or app_secret (observed: "app secret
# invalid"; HTTP 400 in third-party captures, UNCONFIRMED).
APP_SECRET_INVALID = 10014
# The gateway's answer to a path it does not know (UNCONFIRMED: the real one is a 404 page).
NOT_FOUND = 404


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    api: str
    handler: Handler
    # "tenant": a tenant token is required; "none": the token endpoint and the bot.
    auth: str = "tenant"


def _route(method: str, path: str, api: str, handler: Handler, auth: str = "tenant") -> Route:
    regex = re.sub(r":(\w+)", r"(?P<\1>[^/]+)", path)
    return Route(method, re.compile(f"/open-apis/{regex}"), api, handler, auth)


def _tenant_token(world: World, request: Request) -> Response:
    try:
        body = request.json()
    except ValueError:
        body = None
    settings = world.settings
    if (
        not isinstance(body, dict)
        or body.get("app_id") != settings.app_id
        or not hmac.compare_digest(str(body.get("app_secret") or ""), settings.app_secret)
    ):
        return error(400, APP_SECRET_INVALID, "app secret invalid")
    token, expire = world.tokens.issue(world.clock.now())
    return json_response({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": expire})


def _message(world: World, request: Request) -> dict[str, Any]:
    return world.messaging.send(request.first("receive_id_type"), _body(request), world.clock.now())


def _bot(world: World, request: Request, token: str) -> Response:
    return json_response(world.messaging.bot(token, _body(request), world.clock.now()))


def _body(request: Request) -> Any:
    try:
        return request.json()
    except ValueError:
        return None


ROUTES = (
    _route(
        "POST", "auth/v3/tenant_access_token/internal", "tenant_access_token", _tenant_token, "none"
    ),
    _route("GET", "approval/v4/approvals/:approval_code", "approval.get", approvals.get_definition),
    _route(
        "POST",
        "approval/v4/approvals/:approval_code/subscribe",
        "approval.subscribe",
        approvals.subscribe,
    ),
    _route("POST", "approval/v4/instances/cancel", "instance.cancel", approvals.cancel),
    _route("POST", "approval/v4/instances", "instance.create", approvals.create),
    _route("GET", "approval/v4/instances", "instance.list", approvals.list_codes),
    _route("GET", "approval/v4/instances/:instance_code", "instance.get", approvals.get),
    _route("POST", "approval/v4/tasks/approve", "task.approve", approvals.approve),
    _route("POST", "approval/v4/tasks/reject", "task.reject", approvals.reject),
    _route("POST", "im/v1/messages", "message.create", _message),
    _route(
        "GET",
        "contact/v3/departments/:department_id/children",
        "department.children",
        directory.children,
    ),
    _route(
        "GET",
        "contact/v3/users/find_by_department",
        "user.find_by_department",
        directory.find_by_department,
    ),
    _route("POST", "bot/v2/hook/:token", "bot", _bot, "none"),
    # The long connection's endpoint lives outside /open-apis/ (lark-oapi ws/const.py).
    Route(
        "POST", re.compile("/callback/ws/endpoint"), "ws.endpoint", long_connection.endpoint, "none"
    ),
)


class FeishuApp:
    def __init__(self, world: World) -> None:
        self.world = world

    def handle(self, request: Request) -> Response:
        found = _match(request)
        if found is None:
            return self._log(request, error(404, NOT_FOUND, "404 page not found"))
        route, params = found
        world = self.world
        with world.lock:
            if route.auth == "tenant":
                refused = self._refusal(route, request)
                if refused is not None:
                    return self._log(request, refused[1], fault=refused[0])
            try:
                result = route.handler(world, request, **params)
                response = result if isinstance(result, Response) else ok(result)
            except ApiFailure as failure:
                response = failure.response
        return self._log(request, response)

    def _refusal(self, route: Route, request: Request) -> tuple[str, Response] | None:
        world = self.world
        fault = world.faults.take()
        if fault is not None:
            return fault
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if not token:
            return "", error(400, TOKEN_MISSING, TOKEN_MISSING_MSG)
        if not world.tokens.valid(token, world.clock.now()):
            return "", error(400, TOKEN_INVALID, TOKEN_INVALID_MSG)
        limited = world.limits.refusal(route.api, world.clock.now())
        return None if limited is None else ("", limited)

    def _log(self, request: Request, response: Response, *, fault: str = "") -> Response:
        try:
            code = json.loads(response.body).get("code")
        except (ValueError, AttributeError):
            code = None
        with self.world.lock:
            self.world.requests.append(
                RequestRecord(
                    self.world.clock.now_ms(),
                    request.method,
                    request.path,
                    response.status,
                    code,
                    fault,
                )
            )
        return response


def _match(request: Request) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.method != request.method:
            continue
        matched = route.pattern.fullmatch(request.path)
        if matched is not None:
            return route, matched.groupdict()
    return None
