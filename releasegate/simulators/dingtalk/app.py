"""The simulated DingTalk's API: routing, authentication and faults for every endpoint.

Transport-free: `DingTalkApp.handle(request)` turns a parsed request into a response; the
server (server.py) adds sockets and latency. Both DingTalk hosts are served from one
address: the v1.0 API (api.dingtalk.com: token in the `x-acs-dingtalk-access-token`
header; a query `access_token` does not count there) and the older oapi
(oapi.dingtalk.com: token in the query).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from releasegate.simulators.dingtalk import cards, directory
from releasegate.simulators.dingtalk.approvals import api as approval_api
from releasegate.simulators.dingtalk.faults import Dialect
from releasegate.simulators.dingtalk.forms import connector_node
from releasegate.simulators.dingtalk.state import RequestRecord, World
from releasegate.simulators.dingtalk.stream import api as stream_api
from releasegate.simulators.dingtalk.wire import (
    ApiFailure,
    Request,
    Response,
    invalid_parameter,
    json_response,
    oapi_error,
    v1_error,
)

Auth = Literal["v1", "oapi", "none"]
Handler = Callable[[World, Request], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    auth: Auth
    handler: Handler


def _access_token(world: World, request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise invalid_parameter("the body is not JSON") from None
    settings = world.settings
    if (
        not isinstance(body, dict)
        or body.get("appKey") != settings.app_key
        or not hmac.compare_digest(str(body.get("appSecret") or ""), settings.app_secret)
    ):
        raise ApiFailure(v1_error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret"))
    return {"accessToken": world.tokens.issue(world.clock.now()), "expireIn": 7200}


def _old_token(world: World, request: Request) -> dict[str, Any]:
    """`GET /gettoken`: the same token as the v1.0 endpoint gives."""
    settings = world.settings
    if request.first("appkey") != settings.app_key or not hmac.compare_digest(
        request.first("appsecret") or "", settings.app_secret
    ):
        # 40089 "不合法的corpid或corpsecret" (UNCONFIRMED against an official list).
        raise ApiFailure(oapi_error(40089, "不合法的appkey或appsecret"))
    token = world.tokens.issue(world.clock.now())
    return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}


def _work_notification(world: World, request: Request) -> dict[str, Any]:
    return world.messaging.work_notification(_body_or_none(request), world.clock.now())


def _robot_batch(world: World, request: Request) -> dict[str, Any]:
    body = _body_or_none(request)
    return world.messaging.robot_batch(body, world.clock.now(), world.faults.spec)


def _group_robot(world: World, request: Request) -> dict[str, Any]:
    query = {name: values[0] for name, values in request.query.items() if values}
    wall_ms = int(time.time() * 1000)
    return world.messaging.group_robot(query, _body_or_none(request), world.clock.now(), wall_ms)


def _failed_events(world: World, request: Request) -> dict[str, Any]:
    entries, has_more = world.pusher.take_failed()
    return {"errcode": 0, "errmsg": "ok", "failed_list": entries, "has_more": has_more}


def _register_card_callback(world: World, request: Request) -> dict[str, Any]:
    return world.cards.register(cards.request_body(request))


def _deliver_card(world: World, request: Request) -> dict[str, Any]:
    body = cards.request_body(request)
    return world.cards.create_and_deliver(body, lambda user: world.settings.user(user) is not None)


def _update_card(world: World, request: Request) -> dict[str, Any]:
    return world.cards.update(cards.request_body(request))


def _body_or_none(request: Request) -> Any:
    try:
        return request.json()
    except ValueError:
        return None


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/v1.0/oauth2/accessToken"): Route("none", _access_token),
    ("GET", "/gettoken"): Route("none", _old_token),
    ("GET", "/v1.0/workflow/processInstances"): Route("v1", approval_api.get),
    ("POST", "/v1.0/workflow/processInstances"): Route("v1", approval_api.create),
    ("POST", "/v1.0/workflow/processes/instanceIds/query"): Route("v1", approval_api.list_ids),
    ("POST", "/v1.0/workflow/processInstances/execute"): Route("v1", approval_api.execute),
    ("POST", "/v1.0/card/callbacks/register"): Route("v1", _register_card_callback),
    ("POST", "/v1.0/card/instances/createAndDeliver"): Route("v1", _deliver_card),
    ("PUT", "/v1.0/card/instances"): Route("v1", _update_card),
    ("POST", "/v1.0/robot/oToMessages/batchSend"): Route("v1", _robot_batch),
    ("POST", "/topapi/message/corpconversation/asyncsend_v2"): Route("oapi", _work_notification),
    ("POST", "/topapi/v2/department/listsub"): Route("oapi", directory.sub_departments),
    ("POST", "/topapi/v2/user/list"): Route("oapi", directory.members),
    ("GET", "/call_back/get_call_back_failed_result"): Route("oapi", _failed_events),
    ("POST", "/robot/send"): Route("none", _group_robot),
    ("POST", "/v1.0/gateway/connections/open"): Route("none", stream_api.open_connection),
}


class DingTalkApp:
    def __init__(self, world: World) -> None:
        self.world = world

    def handle(self, request: Request) -> Response:
        route = ROUTES.get((request.method, request.path))
        if route is None:
            return self._log(request, _not_found())
        world = self.world
        with world.lock:
            fault = world.faults.take(route.auth) if route.auth != "none" else None
            if fault is not None and fault[0] != "reset_after_work":
                return self._log(request, fault[1], fault=fault[0])
            refused = self._refusal(route.auth, request) if route.auth != "none" else None
            try:
                response = refused or json_response(route.handler(world, request))
            except ApiFailure as failure:
                response = failure.response
            moved, world.reached_node = world.reached_node, []
        for instance in moved:
            connector_node.follow(world, instance)
        if fault is not None:
            # The work is done; only its answer is lost.
            return self._log(request, fault[1], fault=fault[0])
        return self._log(request, response)

    def _refusal(self, dialect: Dialect, request: Request) -> Response | None:
        now = self.world.clock.now()
        if dialect == "v1":
            token = request.headers.get("x-acs-dingtalk-access-token")
            if not self.world.tokens.valid(token, now):
                return v1_error(400, "InvalidAuthentication", "不合法的access_token")
        elif not self.world.tokens.valid(request.first("access_token"), now):
            # The older API's "不合法的access_token" (third-party code; UNCONFIRMED).
            return oapi_error(40014, "不合法的access_token")
        return None

    def _log(self, request: Request, response: Response, *, fault: str = "") -> Response:
        with self.world.lock:
            self.world.requests.append(
                RequestRecord(
                    self.world.clock.now_ms(),
                    request.method,
                    request.path,
                    response.status,
                    fault,
                )
            )
        return response


def _not_found() -> Response:
    return v1_error(
        404, "InvalidAction.NotFound", "Specified api is not found, please check your url."
    )
