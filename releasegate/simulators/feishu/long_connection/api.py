"""Long-connection mode over HTTP: Feishu's `POST /callback/ws/endpoint` (routed by
app.py; not under /open-apis/), and the `/_sim/long-connection/...` and
`/_sim/events/delivery` control endpoints (registered by control_api.py).

Control endpoints (JSON bodies; `connection` is optional and means every open one):
- `GET  /_sim/long-connection`: the gateway's address, the ClientConfig, the limit
- `GET  /_sim/long-connection/connections`, `GET /_sim/long-connection/deliveries`
- `POST /_sim/long-connection/close {"connection", "code", "reason"}`: with a close frame
- `POST /_sim/long-connection/drop {"connection"}`: cut the TCP connection, no close frame
- `POST /_sim/long-connection/settle {"timeout"}`: wait until nothing is due or awaits an ACK
- `GET|POST /_sim/events/delivery {"mode": "webhook"|"long_connection"|"off"}`
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from releasegate.simulators.feishu.control_api import ControlError
from releasegate.simulators.feishu.long_connection.gateway import AUTH_FAILED
from releasegate.simulators.feishu.settings import EVENT_DELIVERIES
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import Request, Response, json_response

Payload = dict[str, Any]
ControlRoute = Callable[[Payload, Request], Any]


def endpoint(world: World, request: Request) -> Response:
    """A URL for one connection and the ClientConfig, as lark-oapi's `_get_conn_url`
    reads them. Wrong credentials answer HTTP 200 with code 514 (lark-oapi ws/const.py
    AUTH_FAILED; the message is UNCONFIRMED), which the SDK raises as a ClientException."""
    try:
        body = request.json()
    except ValueError:
        body = None
    settings = world.settings
    if (
        not isinstance(body, dict)
        or body.get("AppID") != settings.app_id
        or not hmac.compare_digest(str(body.get("AppSecret") or ""), settings.app_secret)
    ):
        return json_response({"code": AUTH_FAILED, "msg": "auth failed"})
    gateway = world.long_connection
    data = {"URL": gateway.issue_url(), "ClientConfig": gateway.client_config()}
    return json_response({"code": 0, "msg": "ok", "data": data})


def control_routes(world: World) -> dict[tuple[str, str], ControlRoute]:
    gateway = world.long_connection

    def status(payload: Payload, request: Request) -> Payload:
        return {
            "address": gateway.address,
            "event_delivery": world.event_delivery,
            "client_config": gateway.client_config(),
            "connection_limit": world.settings.ws_connection_limit,
        }

    def close(payload: Payload, request: Request) -> Any:
        code = _number(payload, "code") if "code" in payload else 1000
        reason = str(payload.get("reason") or "")
        return _on(lambda: gateway.close(_connection(payload), code, reason))

    return {
        ("GET", "/_sim/long-connection"): status,
        ("GET", "/_sim/long-connection/connections"): lambda p, r: gateway.connections(),
        ("GET", "/_sim/long-connection/deliveries"): lambda p, r: gateway.deliveries(),
        ("POST", "/_sim/long-connection/close"): close,
        ("POST", "/_sim/long-connection/drop"): lambda p, r: _on(
            lambda: gateway.drop(_connection(p))
        ),
        ("POST", "/_sim/long-connection/settle"): lambda p, r: {
            "settled": gateway.settle(float(p.get("timeout", 10)))
        },
        ("GET", "/_sim/events/delivery"): lambda p, r: {"mode": world.event_delivery},
        ("POST", "/_sim/events/delivery"): lambda p, r: _set_delivery(world, p),
    }


def _on(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except LookupError as exc:  # UnknownConnection
        raise ControlError(404, str(exc)) from None


def _number(payload: Payload, name: str) -> int:
    value = payload.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(400, f"{name} must be a number")
    return value


def _connection(payload: Payload) -> int | None:
    value = payload.get("connection")
    if isinstance(value, str) and value.isdigit():  # from the page's forms
        return int(value)
    return None if value is None else _number(payload, "connection")


def _set_delivery(world: World, payload: Payload) -> Payload:
    mode = payload.get("mode")
    if mode not in EVENT_DELIVERIES:
        raise ControlError(400, f"mode must be one of {', '.join(EVENT_DELIVERIES)}")
    with world.lock:
        world.event_delivery = mode
    return {"mode": mode}
