"""The simulated WeCom's server API: routing, access tokens, frequency limits and faults
for every endpoint under `/cgi-bin/`.

Transport-free: `WeComApp.handle(request)` turns a parsed request into a response; the
server (server.py) adds sockets and latency. WeCom answers HTTP 200 with an `errcode`
even for errors. Every API but `gettoken` and the group robot wants the `access_token`
query parameter: none is 41001, one never issued 40014, an expired one 42001.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from releasegate.simulators.wecom import directory
from releasegate.simulators.wecom.approvals import api as approvals
from releasegate.simulators.wecom.faults import TOKEN_EXPIRED, TOKEN_INVALID, TOKEN_MISSING
from releasegate.simulators.wecom.ratelimits import RATE_LIMITED
from releasegate.simulators.wecom.state import RequestRecord, World
from releasegate.simulators.wecom.wire import (
    ApiFailure,
    Request,
    Response,
    error,
    json_response,
    ok,
)

Handler = Callable[[World, Request], "dict[str, Any] | Response"]
INVALID_CORPID = 40013
INVALID_SECRET = 40001
INVALID_TICKET_TYPE = 40004
# WeCom's answer to an unknown path under /cgi-bin/ (UNCONFIRMED: observed as 404 page).
NOT_FOUND = 404


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    api: str
    handler: Handler
    needs_token: bool = True


def _gettoken(world: World, request: Request) -> Response:
    settings = world.settings
    if request.first("corpid") != settings.corp_id:
        return error(INVALID_CORPID, "invalid corpid")
    if not hmac.compare_digest(request.first("corpsecret") or "", settings.corp_secret):
        return error(INVALID_SECRET, "invalid credential")
    token, expires_in = world.tokens.issue(world.clock.now())
    return ok({"access_token": token, "expires_in": expires_in})


def _agent_ticket(world: World, request: Request) -> dict[str, Any]:
    if request.first("type") != "agent_config":
        raise ApiFailure(error(INVALID_TICKET_TYPE, "invalid type"))
    ticket, expires_in = world.tickets.issue("agent_config", world.clock.now())
    return {"ticket": ticket, "expires_in": expires_in}


def _corp_ticket(world: World, request: Request) -> dict[str, Any]:
    ticket, expires_in = world.tickets.issue("corp", world.clock.now())
    return {"ticket": ticket, "expires_in": expires_in}


def _message(world: World, request: Request) -> dict[str, Any]:
    return world.messaging.send(_json(request), world.clock.now())


def _robot(world: World, request: Request) -> Response:
    answer = world.messaging.robot(request.first("key") or "", _json(request), world.clock.now())
    return json_response(answer)


def _json(request: Request) -> Any:
    try:
        return request.json()
    except ValueError:
        return None


ROUTES = {
    (route.method, f"/cgi-bin/{route.path}"): route
    for route in (
        Route("GET", "gettoken", "gettoken", _gettoken, needs_token=False),
        Route("GET", "ticket/get", "ticket.get", _agent_ticket),
        Route("GET", "get_jsapi_ticket", "get_jsapi_ticket", _corp_ticket),
        Route(
            "POST", "oa/gettemplatedetail", "oa.gettemplatedetail", approvals.get_template_detail
        ),
        Route("POST", "oa/applyevent", "oa.applyevent", approvals.apply_event),
        Route(
            "POST", "oa/getapprovaldetail", "oa.getapprovaldetail", approvals.get_approval_detail
        ),
        Route("POST", "oa/getapprovalinfo", "oa.getapprovalinfo", approvals.get_approval_info),
        Route("POST", "message/send", "message.send", _message),
        Route("GET", "department/list", "department.list", directory.department_list),
        Route("GET", "user/list", "user.list", directory.user_list),
        Route("POST", "webhook/send", "webhook.send", _robot, needs_token=False),
    )
}


class WeComApp:
    def __init__(self, world: World) -> None:
        self.world = world

    def handle(self, request: Request) -> Response:
        route = ROUTES.get((request.method, request.path))
        if route is None:
            return self._log(request, Response(404, b"404 Not Found", "text/plain"))
        world = self.world
        with world.lock:
            if route.needs_token:
                refused = self._refusal(route, request)
                if refused is not None:
                    return self._log(request, refused[1], fault=refused[0])
            try:
                result = route.handler(world, request)
                response = result if isinstance(result, Response) else ok(result)
            except ApiFailure as failure:
                response = failure.response
        return self._log(request, response)

    def _refusal(self, route: Route, request: Request) -> tuple[str, Response] | None:
        world = self.world
        fault = world.faults.take()
        if fault is not None:
            return fault
        token = request.first("access_token") or ""
        if not token:
            return "", error(TOKEN_MISSING, "access_token missing")
        state = world.tokens.state(token, world.clock.now())
        if state == "unknown":
            return "", error(TOKEN_INVALID, "invalid access_token")
        if state == "expired":
            return "", error(TOKEN_EXPIRED, "access_token expired")
        limit = world.settings.rate_limits.get(route.api)
        if not world.limits.take(f"api:{route.api}", limit, world.clock.now()):
            return "", error(RATE_LIMITED, "api freq out of limit")
        return None

    def _log(self, request: Request, response: Response, *, fault: str = "") -> Response:
        try:
            code = json.loads(response.body).get("errcode")
        except (ValueError, AttributeError):
            code = None
        with self.world.lock:
            self.world.requests.append(
                RequestRecord(self.world.clock.now_ms(), request.method, request.path, code, fault)
            )
        return response
