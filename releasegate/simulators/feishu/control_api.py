"""`/_sim/...`: the control API for tests, the demo and people, kept apart from Feishu's
API. It needs no credentials and never suffers faults; bind the simulator to loopback.

Calls that make Feishu push events (submitting, approving, rejecting, cancelling, moving
the clock) return once every push then due has been attempted, so a test sees the outcome
without waiting. HTML form posts (the page at `/_sim/`) get a 303 back to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from pydantic import ValidationError

from releasegate.simulators.feishu import forms, page
from releasegate.simulators.feishu.approvals.instances import ApprovalConflict, Instance
from releasegate.simulators.feishu.faults import FaultPlan, FaultSpec
from releasegate.simulators.feishu.settings import Person
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import Request, Response, json_response

Payload = dict[str, Any]
_ACTIONS = ("approve", "reject", "cancel")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Control:
    def __init__(self, world: World) -> None:
        self.world = world
        self._routes: dict[tuple[str, str], Callable[[Payload, Request], Any]] = {
            ("GET", "/_sim/app"): self._app,
            ("GET", "/_sim/clock"): lambda p, r: {"now_ms": world.clock.now_ms()},
            ("POST", "/_sim/clock"): self._advance,
            ("GET", "/_sim/instances"): self._instances,
            ("POST", "/_sim/forms/open"): self._open_form,
            ("POST", "/_sim/forms/applications"): self._applications,
            ("POST", "/_sim/forms/submit"): self._submit,
            ("GET", "/_sim/options/calls"): lambda p, r: world.options.calls(),
            ("POST", "/_sim/options/url"): self._options_url,
            ("GET", "/_sim/events"): lambda p, r: world.pusher.deliveries(r.first("state")),
            ("POST", "/_sim/events/settle"): self._settle,
            ("POST", "/_sim/events/redeliver"): self._redeliver,
            ("POST", "/_sim/events/url"): self._event_url,
            ("POST", "/_sim/events/duplicates"): self._duplicates,
            ("POST", "/_sim/events/verify"): self._verify,
            ("GET", "/_sim/messages"): self._messages,
            ("GET", "/_sim/faults"): lambda p, r: world.faults.spec.model_dump(),
            ("POST", "/_sim/faults"): self._set_faults,
            ("POST", "/_sim/tokens/expire"): self._expire_tokens,
            ("GET", "/_sim/requests"): self._requests,
            ("POST", "/_sim/requests/reset"): self._reset_requests,
        }
        # Imported here: long_connection/api.py uses this module's ControlError.
        from releasegate.simulators.feishu import card_control
        from releasegate.simulators.feishu.long_connection.api import control_routes

        self._routes.update(control_routes(world))
        self._routes.update(card_control.control_routes(world))

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
        prefix, _, rest = request.path.partition("/_sim/instances/")
        code, _, action = rest.partition("/")
        if prefix or not code:
            raise ControlError(404, f"no control endpoint {request.method} {request.path}")
        if request.method == "GET" and not action:
            with self.world.lock:
                return self._described(self._instance(code))
        if request.method == "POST" and action in _ACTIONS:
            return self._act(code, action, payload)
        raise ControlError(404, f"no control endpoint {request.method} {request.path}")

    # -- instances and the form -------------------------------------------------------

    def _instance(self, code: str) -> Instance:
        instance = self.world.approvals.find(code)
        if instance is None:
            raise ControlError(404, f"no instance {code}")
        return instance

    def _described(self, instance: Instance) -> Payload:
        return {
            "waiting_on": [p.user_id for p in instance.waiting_on()],
            **self.world.approvals.detail(instance),
        }

    def _instances(self, payload: Payload, request: Request) -> list[Payload]:
        with self.world.lock:
            return [self._described(i) for i in self.world.approvals.instances.values()]

    def _person(self, payload: Payload, default: str = "") -> Person:
        user_id = str(payload.get("user") or default)
        person = self.world.settings.person(user_id)
        if person is None:
            raise ControlError(400, f"no such person: {user_id!r}")
        return person

    def _open_form(self, payload: Payload, request: Request) -> Payload:
        """Open the form as `user`: the projects it offers."""
        person = self._person(payload, "zhangsan")
        project = next(w for w in self.world.settings.form if w.custom_id == "project")
        return {"user": person.user_id, "projects": self._choices(project, person)}

    def _applications(self, payload: Payload, request: Request) -> Payload:
        """The applications the form offers once `project` (an option id) is chosen."""
        person = self._person(payload, "zhangsan")
        widget = next(w for w in self.world.settings.form if w.custom_id == "application")
        project = str(payload.get("project") or "")
        return {"project": project, "applications": self._choices(widget, person, project)}

    def _choices(self, widget: Any, person: Person, project: str = "") -> list[Payload]:
        try:
            found = forms.options_for(self.world, widget, person, project)
        except forms.FormRefused as refused:
            raise ControlError(502, str(refused)) from None
        return [{"id": option_id, "text": text} for option_id, text in found]

    def _submit(self, payload: Payload, request: Request) -> Payload:
        """Submit the form as `user` with `values` {name or custom id: value}: "submitted"
        with `instance_code`, or "refused" with what the person was told."""
        person = self._person(payload, "zhangsan")
        values = payload.get("values") or payload.get("form") or {}
        try:
            code = forms.submit(self.world, person, {str(k): str(v) for k, v in values.items()})
        except forms.FormRefused as refused:
            return {"state": "refused", "refusal": str(refused)}
        self.world.pusher.settle()
        return {"state": "submitted", "instance_code": code}

    def _act(self, code: str, action: str, payload: Payload) -> Payload:
        world = self.world
        with world.lock:
            instance = self._instance(code)
            person = self._person(payload, instance.originator.user_id)
            now, comment = world.clock.now_ms(), str(payload.get("comment") or "")
            try:
                if action == "cancel":
                    events = world.approvals.cancel(instance, person, now)
                else:
                    task = next((t for t in instance.tasks if t.person == person), None)
                    decide = getattr(world.approvals, action)
                    events = decide(instance, person, task.id if task else "", comment, now)
            except ApprovalConflict as conflict:
                raise ControlError(409, str(conflict)) from None
            world.push(events)
        world.pusher.settle()
        with world.lock:
            return self._described(instance)

    # -- time, events, messages, faults ------------------------------------------------

    def _advance(self, payload: Payload, request: Request) -> Payload:
        self.world.clock.advance(float(payload.get("advance", 0)))
        self.world.wake()
        self.world.pusher.settle()
        return {"now_ms": self.world.clock.now_ms()}

    def _settle(self, payload: Payload, request: Request) -> Payload:
        return {"settled": self.world.pusher.settle(float(payload.get("timeout", 10)))}

    def _redeliver(self, payload: Payload, request: Request) -> Payload:
        delivery = payload.get("delivery")
        if not isinstance(delivery, int) or isinstance(delivery, bool):
            raise ControlError(400, "delivery: a delivery id (a number) is required")
        try:
            again = self.world.pusher.redeliver(delivery)
        except LookupError as exc:
            raise ControlError(404, str(exc)) from None
        self.world.pusher.settle()
        return again

    def _event_url(self, payload: Payload, request: Request) -> Payload:
        self.world.pusher.set_url(payload.get("url") or None)
        return {"url": self.world.pusher.url}

    def _options_url(self, payload: Payload, request: Request) -> Payload:
        """Where the form asks for its external options (ReleaseGate's base URL)."""
        with self.world.lock:
            self.world.options.url = str(payload.get("url") or "") or None
            return {"url": self.world.options.url}

    def _duplicates(self, payload: Payload, request: Request) -> Payload:
        probability = float(payload.get("probability", 0))
        if not 0 <= probability <= 1:
            raise ControlError(400, "probability must be between 0 and 1")
        self.world.pusher.duplicate_probability = probability
        return {"probability": probability}

    def _verify(self, payload: Payload, request: Request) -> Payload:
        url = payload.get("url") or self.world.pusher.url
        if not url:
            raise ControlError(400, "no event URL configured or given")
        return self.world.pusher.verify_url(str(url), encrypted=bool(payload.get("encrypted")))

    def _messages(self, payload: Payload, request: Request) -> list[Payload]:
        kind, to = request.first("kind"), request.first("to")
        with self.world.lock:
            return [
                m.as_dict()
                for m in self.world.messaging.messages
                if kind in (None, m.kind) and to in (None, m.to)
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

    def _app(self, payload: Payload, request: Request) -> Payload:
        settings, url = self.world.settings, self.world.base_url
        return {
            "app_id": settings.app_id,
            "approval_code": settings.approval_code,
            "tenant_key": settings.tenant_key,
            "event_url": self.world.pusher.url,
            "options_url": self.world.options.url,
            "bot_webhook": f"{url}open-apis/bot/v2/hook/{settings.bot_token}",
            "people": [person.__dict__ for person in settings.people],
        }


def _payload(request: Request, from_form: bool) -> Payload:
    if from_form:
        fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        flat = {name: values[0] for name, values in fields.items()}
        values = {name[5:]: value for name, value in flat.items() if name.startswith("form:")}
        return {**flat, "values": values} if values else flat
    try:
        payload = json.loads(request.body) if request.body else {}
    except ValueError:
        raise ControlError(400, "body is not JSON") from None
    if not isinstance(payload, dict):
        raise ControlError(400, "body must be a JSON object")
    return payload
