"""`/_sim/...`: the control API for tests, the demo and people, kept apart from DingTalk's
API. It needs no credentials and never suffers faults; bind the simulator to loopback.

Calls that make DingTalk push events (submitting, agreeing, refusing, revoking, moving
the clock) return once every push then due has been attempted, so a test sees the
outcome without waiting; the same goes for the connector node's attempts (an agreement
that ends the flow, moving the clock). The form and connector endpoints are in
forms/api.py. HTML form posts (the page at `/_sim/`) get a 303 back to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from pydantic import ValidationError

from releasegate.simulators.dingtalk import card_clicks, page
from releasegate.simulators.dingtalk.approvals.api import parse_new_instance
from releasegate.simulators.dingtalk.approvals.export import instance_json
from releasegate.simulators.dingtalk.approvals.instances import ApprovalConflict, Instance
from releasegate.simulators.dingtalk.faults import FaultPlan, FaultSpec
from releasegate.simulators.dingtalk.forms import connector_node
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.wire import ApiFailure, Request, Response, json_response

Payload = dict[str, Any]
_ACTIONS = ("agree", "refuse", "terminate", "revoke")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Control:
    def __init__(self, world: World) -> None:
        self.world = world
        self._routes: dict[tuple[str, str], Callable[[Payload, Request], Any]] = {
            ("GET", "/_sim/app"): self._app,
            ("GET", "/_sim/clock"): lambda p, r: {"now_ms": self.world.clock.now_ms()},
            ("POST", "/_sim/clock"): self._advance,
            ("GET", "/_sim/instances"): self._instances,
            ("POST", "/_sim/instances"): self._submit,
            ("GET", "/_sim/events"): lambda p, r: self.world.pusher.deliveries(),
            ("POST", "/_sim/events/settle"): self._settle,
            ("POST", "/_sim/events/redeliver"): self._redeliver,
            ("POST", "/_sim/events/url"): self._event_url,
            ("POST", "/_sim/events/check_url"): self._check_url,
            ("GET", "/_sim/messages"): self._messages,
            ("GET", "/_sim/faults"): lambda p, r: self.world.faults.spec.model_dump(),
            ("POST", "/_sim/faults"): self._set_faults,
            ("POST", "/_sim/tokens/expire"): self._expire_tokens,
            ("GET", "/_sim/requests"): self._requests,
            ("POST", "/_sim/requests/reset"): self._reset_requests,
            ("GET", "/_sim/cards"): self._cards,
            ("POST", "/_sim/cards/click"): self._click,
        }
        # Imported here: stream/api.py uses this module's ControlError.
        from releasegate.simulators.dingtalk.stream.api import control_routes

        self._routes.update(control_routes(world))
        # Imported here, likewise: forms/api.py uses ControlError.
        from releasegate.simulators.dingtalk.forms import api as forms_api

        self._routes.update(forms_api.control_routes(world))
        self._form_steps = forms_api.form_steps(world)

    def handle(self, request: Request) -> Response:
        from_form = request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        try:
            if (request.method, request.path) in (("GET", "/_sim/"), ("GET", "/_sim")):
                return page.render(self.world)
            payload = _payload(request, from_form)
            result = self._dispatch(request, payload)
        except ControlError as error:
            return json_response({"error": str(error)}, error.status)
        if from_form:
            return Response(303, headers={"Location": "/_sim/"})
        return json_response(result)

    def _dispatch(self, request: Request, payload: Payload) -> Any:
        route = self._routes.get((request.method, request.path))
        if route is not None:
            return route(payload, request)
        if request.path.startswith("/_sim/forms/"):
            return self._form_steps(payload, request)
        prefix, _, rest = request.path.partition("/_sim/instances/")
        instance_id, _, action = rest.partition("/")
        if prefix or not instance_id:
            raise ControlError(404, f"no control endpoint {request.method} {request.path}")
        if request.method == "GET" and not action:
            with self.world.lock:
                return _described(self._instance(instance_id))
        if request.method == "POST" and action in _ACTIONS:
            return self._act(instance_id, action, payload)
        raise ControlError(404, f"no control endpoint {request.method} {request.path}")

    # -- instances --------------------------------------------------------------------

    def _instance(self, instance_id: str) -> Instance:
        instance = self.world.approvals.instances.get(instance_id)
        if instance is None:
            raise ControlError(404, f"no instance {instance_id}")
        return instance

    def _instances(self, payload: Payload, request: Request) -> list[Payload]:
        with self.world.lock:
            return [_described(i) for i in self.world.approvals.instances.values()]

    def _submit(self, payload: Payload, request: Request) -> Payload:
        """Start an instance as a user would from the form: {"originator", "form":
        {label: value} or [[label, value]], optional "approvers", "dept_id"}."""
        world = self.world
        form = payload.get("form") or {}
        pairs = list(form.items()) if isinstance(form, dict) else form
        body = {
            "originatorUserId": payload.get("originator", world.settings.users[0].user_id),
            "deptId": payload.get("dept_id", -1),
            "formComponentValues": [{"name": name, "value": value} for name, value in pairs],
        }
        if payload.get("approvers"):
            body["approvers"] = payload["approvers"]
        with world.lock:
            try:
                new = parse_new_instance(world.settings, body)
            except ApiFailure as failure:
                raise ControlError(400, failure.response.body.decode()) from None
            instance = world.start_instance(new, via_api=False)
            described = _described(instance)
        world.pusher.settle()
        return described

    def _act(self, instance_id: str, action: str, payload: Payload) -> Payload:
        world = self.world
        with world.lock:
            instance = self._instance(instance_id)
            user = str(payload.get("user") or instance.originator.user_id)
            remark = str(payload.get("remark") or "")
            act = getattr(world.approvals, action)
            try:
                world.push(act(instance, user, remark, world.clock.now()))
            except ApprovalConflict as conflict:
                raise ControlError(409, str(conflict)) from None
        # The last agreement reaches the connector node; a synchronous one answers first.
        connector_node.follow(world, instance)
        world.pusher.settle()
        world.connector_node.settle()
        with world.lock:
            return _described(instance)

    # -- time, events, messages, faults ---------------------------------------------------

    def _advance(self, payload: Payload, request: Request) -> Payload:
        self.world.clock.advance(float(payload.get("advance", 0)))
        self.world.pusher.wake()
        self.world.connector_node.wake()
        self.world.stream.wake()
        self.world.pusher.settle()
        self.world.connector_node.settle()
        return {"now_ms": self.world.clock.now_ms()}

    def _settle(self, payload: Payload, request: Request) -> Payload:
        return {"settled": self.world.pusher.settle(float(payload.get("timeout", 10)))}

    def _redeliver(self, payload: Payload, request: Request) -> Payload:
        delivery = payload.get("delivery")
        if not isinstance(delivery, int) or isinstance(delivery, bool):
            raise ControlError(400, "delivery: a delivery id (a number) is required")
        try:
            return self.world.pusher.redeliver(delivery)
        except LookupError as exc:
            raise ControlError(404, str(exc)) from None

    def _event_url(self, payload: Payload, request: Request) -> Payload:
        self.world.pusher.set_url(payload.get("url") or None)
        return {"url": self.world.pusher.url}

    def _check_url(self, payload: Payload, request: Request) -> Payload:
        """The handshake DingTalk makes when the event URL is saved."""
        url = payload.get("url") or self.world.pusher.url
        if not url:
            raise ControlError(400, "no event URL configured or given")
        status, outcome = self.world.pusher.post(url, json.dumps({"EventType": "check_url"}))
        return {"ok": outcome == "success", "status": status, "outcome": outcome}

    def _messages(self, payload: Payload, request: Request) -> list[Payload]:
        kind, to = request.first("kind"), request.first("to")
        with self.world.lock:
            return [
                message.as_dict()
                for message in self.world.messaging.messages
                if (kind is None or message.kind == kind) and (to is None or message.to == to)
            ]

    def _set_faults(self, payload: Payload, request: Request) -> Payload:
        try:
            spec = FaultSpec.model_validate(payload)
        except ValidationError as exc:
            raise ControlError(400, str(exc)) from None
        with self.world.lock:
            self.world.faults = FaultPlan(spec)
        return spec.model_dump()

    def _expire_tokens(self, payload: Payload, request: Request) -> Payload:
        with self.world.lock:
            self.world.tokens.expire_all()
        return {"expired": True}

    def _requests(self, payload: Payload, request: Request) -> list[Payload]:
        with self.world.lock:
            return [record.as_dict() for record in self.world.requests]

    def _reset_requests(self, payload: Payload, request: Request) -> Payload:
        with self.world.lock:
            self.world.requests.clear()
        return {"reset": True}

    def _cards(self, payload: Payload, request: Request) -> list[Payload]:
        with self.world.lock:
            return [card.as_json() for card in self.world.cards.cards.values()]

    def _click(self, payload: Payload, request: Request) -> Payload:
        """A person clicks a card's button: {"out_track_id", "user", "action"}; DingTalk
        then calls the app back (card_clicks.py). The approval's events that follow are
        pushed before this returns."""
        try:
            clicked = card_clicks.click(
                self.world,
                str(payload.get("out_track_id") or ""),
                str(payload.get("user") or ""),
                str(payload.get("action") or ""),
            )
        except card_clicks.ClickRefused as refused:
            raise ControlError(400, str(refused)) from None
        self.world.pusher.settle()
        self.world.connector_node.settle()
        return clicked

    def _app(self, payload: Payload, request: Request) -> Payload:
        settings, url = self.world.settings, self.world.base_url
        return {
            "app_key": settings.app_key,
            "agent_id": settings.agent_id,
            "process_code": settings.process_code,
            "corp_id": settings.corp_id,
            "event_url": self.world.pusher.url,
            "connector_url": self.world.connector.settings()["url"],
            "robot_webhook": f"{url}robot/send?access_token={settings.robot_token}",
            "users": [user.__dict__ for user in settings.users],
        }


def _described(instance: Instance) -> Payload:
    return {
        "instance_id": instance.instance_id,
        "waiting_on": instance.waiting_on(),
        **instance_json(instance),
    }


def _payload(request: Request, from_form: bool) -> Payload:
    if from_form:
        fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        flat = {name: values[0] for name, values in fields.items()}
        form = {name[5:]: value for name, value in flat.items() if name.startswith("form:")}
        return {**flat, "form": form} if form else flat
    try:
        payload = json.loads(request.body) if request.body else {}
    except ValueError:
        raise ControlError(400, "body is not JSON") from None
    if not isinstance(payload, dict):
        raise ControlError(400, "body must be a JSON object")
    return payload
