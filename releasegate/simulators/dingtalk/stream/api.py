"""Stream mode over HTTP: DingTalk's `POST /v1.0/gateway/connections/open`, and the
`/_sim/stream/...` and `/_sim/events/modes` control endpoints (registered by control_api.py).

Control endpoints (JSON bodies; `connection` is optional and means every open one):
- `GET  /_sim/stream`: the endpoint and whether Stream delivers events
- `GET  /_sim/stream/connections`, `GET /_sim/stream/deliveries`, `GET /_sim/stream/pings`
- `POST /_sim/stream/ping {"connection"}`: a SYSTEM `ping` now
- `POST /_sim/stream/disconnect {"connection", "reason"}`: SYSTEM `disconnect`, then close
- `POST /_sim/stream/silence {"connection", "silent": true|false}`: a zombie connection
- `POST /_sim/stream/drop {"connection"}`: cut the TCP connection, no close frame
- `POST /_sim/stream/redeliver {"delivery"}`: deliver again (DingTalk may, after an ACK)
- `POST /_sim/stream/events {"event_type", "data"}`: an event of any type, for Stream only
- `POST /_sim/stream/settle {"timeout"}`: wait until nothing is due or awaits an ACK
- `GET|POST /_sim/events/modes {"http": bool, "stream": bool}`: which channels deliver
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any

from releasegate.simulators.dingtalk.control_api import ControlError
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.wire import (
    ApiFailure,
    Request,
    invalid_parameter,
    v1_error,
)

Payload = dict[str, Any]
ControlRoute = Callable[[Payload, Request], Any]


def open_connection(world: World, request: Request) -> dict[str, Any]:
    """`POST /v1.0/gateway/connections/open`: a single-use ticket for the WebSocket.

    The gateway's answer to wrong credentials is not documented; the token endpoint's
    `invalidClientIdOrSecret` is used (UNCONFIRMED). For events only topic "*" exists.
    """
    try:
        body = request.json()
    except ValueError:
        raise invalid_parameter("the body is not JSON") from None
    if not isinstance(body, dict):
        raise invalid_parameter("the body must be a JSON object")
    settings = world.settings
    if body.get("clientId") != settings.app_key or not hmac.compare_digest(
        str(body.get("clientSecret") or ""), settings.app_secret
    ):
        raise ApiFailure(v1_error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret"))
    subscriptions = body.get("subscriptions")
    if not isinstance(subscriptions, list) or not subscriptions:
        raise invalid_parameter("subscriptions must be a non-empty list")
    for subscription in subscriptions:
        if not isinstance(subscription, dict) or subscription.get("type") not in (
            "EVENT",
            "CALLBACK",
        ):
            raise invalid_parameter("each subscription needs a type, EVENT or CALLBACK")
        if subscription["type"] == "EVENT" and subscription.get("topic") != "*":
            raise invalid_parameter('EVENT subscriptions take topic "*" only')
    kept = [{"type": str(s["type"]), "topic": str(s.get("topic") or "")} for s in subscriptions]
    ticket = world.stream.issue_ticket(kept, str(body.get("ua") or ""))
    return {"endpoint": world.stream.endpoint, "ticket": ticket}


def control_routes(world: World) -> dict[tuple[str, str], ControlRoute]:
    stream = world.stream

    def status(payload: Payload, request: Request) -> Payload:
        return {"endpoint": stream.endpoint, "delivers_events": world.stream_push}

    routes: dict[tuple[str, str], ControlRoute] = {
        ("GET", "/_sim/stream"): status,
        ("GET", "/_sim/stream/connections"): lambda p, r: stream.connections(),
        ("GET", "/_sim/stream/deliveries"): lambda p, r: stream.deliveries(),
        ("GET", "/_sim/stream/pings"): lambda p, r: stream.pings(),
        ("POST", "/_sim/stream/ping"): lambda p, r: _on(lambda: stream.ping(_connection(p))),
        ("POST", "/_sim/stream/disconnect"): lambda p, r: _on(
            lambda: stream.disconnect(_connection(p), str(p.get("reason") or "maintenance"))
        ),
        ("POST", "/_sim/stream/silence"): lambda p, r: _on(
            lambda: stream.silence(_connection(p), bool(p.get("silent", True)))
        ),
        ("POST", "/_sim/stream/drop"): lambda p, r: _on(lambda: stream.drop(_connection(p))),
        ("POST", "/_sim/stream/redeliver"): lambda p, r: _on(
            lambda: stream.redeliver(_number(p, "delivery"))
        ),
        ("POST", "/_sim/stream/events"): lambda p, r: _inject(world, p),
        ("POST", "/_sim/stream/settle"): lambda p, r: {
            "settled": stream.settle(float(p.get("timeout", 10)))
        },
        ("GET", "/_sim/events/modes"): lambda p, r: _modes(world),
        ("POST", "/_sim/events/modes"): lambda p, r: _set_modes(world, p),
    }
    return routes


def _on(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except LookupError as exc:  # UnknownConnection among them
        raise ControlError(404, str(exc)) from None


def _number(payload: Payload, name: str) -> int:
    value = payload.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(400, f"{name} must be a number")
    return value


def _connection(payload: Payload) -> int | None:
    return None if payload.get("connection") is None else _number(payload, "connection")


def _inject(world: World, payload: Payload) -> Payload:
    """An event of any type (`user_add_org`...), shaped as the organisation's own."""
    event_type, data = payload.get("event_type"), payload.get("data") or {}
    if not isinstance(event_type, str) or not event_type or not isinstance(data, dict):
        raise ControlError(400, "give event_type (text) and data (an object)")
    now_ms = world.clock.now_ms()
    event = {
        "EventType": event_type,
        "EventTime": now_ms,
        "CorpId": world.settings.corp_id,
        "BizId": f"{now_ms}{secrets.randbelow(10_000):04d}",
        "eventId": secrets.token_hex(16),
        **data,
    }
    world.stream.enqueue([event])
    return event


def _modes(world: World) -> Payload:
    with world.lock:
        return {"http": world.http_push, "stream": world.stream_push}


def _set_modes(world: World, payload: Payload) -> Payload:
    with world.lock:
        for name, attribute in (("http", "http_push"), ("stream", "stream_push")):
            if name in payload:
                setattr(world, attribute, bool(payload[name]))
    return _modes(world)
