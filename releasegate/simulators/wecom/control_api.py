"""`/_sim/...`: the control API for tests, the demo and people, kept apart from WeCom's
API. It needs no credentials and never suffers faults; bind the simulator to loopback.

Calls that make WeCom call back (submitting, deciding, revoking, reminding, commenting,
moving the clock) return once every callback then due has been attempted, so a test sees
the outcome without waiting. HTML form posts (the pages at `/_sim/` and `/_sim/form`) get
a 303 back to `/_sim/`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from pydantic import ValidationError

from releasegate.simulators.wecom import forms, inbox_page, jssdk, page, template_cards
from releasegate.simulators.wecom.approvals.applications import Application, ApprovalConflict
from releasegate.simulators.wecom.approvals.detail import detail
from releasegate.simulators.wecom.faults import FaultPlan, FaultSpec
from releasegate.simulators.wecom.settings import Person
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import Request, Response, json_response

Payload = dict[str, Any]
_ACTIONS = ("approve", "refuse", "revoke", "delete", "remind", "comment")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Control:
    def __init__(self, world: World) -> None:
        self.world = world
        callbacks = world.callbacks
        self._routes: dict[tuple[str, str], Callable[[Payload, Request], Any]] = {
            ("GET", "/_sim/app"): self._app,
            ("GET", "/_sim/clock"): lambda p, r: {"now_ms": world.clock.now_ms()},
            ("POST", "/_sim/clock"): self._advance,
            ("GET", "/_sim/applications"): self._applications,
            ("POST", "/_sim/forms/submit"): self._submit,
            ("GET", "/_sim/callbacks"): lambda p, r: callbacks.deliveries(r.first("state")),
            ("POST", "/_sim/callbacks/settle"): self._settle,
            ("POST", "/_sim/callbacks/redeliver"): self._redeliver,
            ("POST", "/_sim/callbacks/url"): self._callback_url,
            ("POST", "/_sim/callbacks/chances"): self._chances,
            ("POST", "/_sim/callbacks/verify"): self._verify,
            ("GET", "/_sim/messages"): self._messages,
            ("POST", "/_sim/cards/open"): self._open_card,
            ("GET", "/_sim/faults"): lambda p, r: world.faults.spec.model_dump(),
            ("POST", "/_sim/faults"): self._set_faults,
            ("POST", "/_sim/tokens/expire"): self._expire_tokens,
            ("POST", "/_sim/tickets/expire"): self._expire_tickets,
            ("POST", "/_sim/jssdk/check"): lambda p, r: jssdk.check(world, p),
            ("POST", "/_sim/picker/url"): self._picker_url,
            ("GET", "/_sim/requests"): self._requests,
            ("POST", "/_sim/requests/reset"): self._reset_requests,
        }

    def handle(self, request: Request) -> Response:
        from_form = request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        try:
            if request.method == "GET" and request.path in ("/_sim/", "/_sim"):
                return page.render(self.world)
            if request.method == "GET" and request.path == "/_sim/form":
                return page.render_form(self.world, request.first("user") or "zhangsan")
            if request.method == "GET" and request.path == "/_sim/inbox":
                return inbox_page.render(self.world, request.first("user") or "zhangsan")
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
        prefix, _, rest = request.path.partition("/_sim/applications/")
        sp_no, _, action = rest.partition("/")
        if prefix or not sp_no:
            raise ControlError(404, f"no control endpoint {request.method} {request.path}")
        if request.method == "GET" and not action:
            with self.world.lock:
                return self._described(self._application(sp_no))
        if request.method == "POST" and action in _ACTIONS:
            return self._act(sp_no, action, payload)
        raise ControlError(404, f"no control endpoint {request.method} {request.path}")

    # -- applications and the form ------------------------------------------------------

    def _application(self, sp_no: str) -> Application:
        application = self.world.approvals.find(sp_no)
        if application is None:
            raise ControlError(404, f"no application {sp_no}")
        return application

    def _described(self, application: Application) -> Payload:
        return {
            "waiting_on": [p.userid for p in application.waiting_on()],
            "summary": application.summary,
            **detail(self.world.settings, application),
        }

    def _applications(self, payload: Payload, request: Request) -> list[Payload]:
        with self.world.lock:
            return [self._described(a) for a in self.world.approvals.applications.values()]

    def _person(self, payload: Payload, default: str = "") -> Person:
        userid = str(payload.get("user") or default)
        person = self.world.settings.person(userid)
        if person is None:
            raise ControlError(400, f"no such person: {userid!r}")
        return person

    def _submit(self, payload: Payload, request: Request) -> Payload:
        """Submit the form as `user` with `values` {title: value}: "submitted" with
        `sp_no`, or "refused" with what the person was told."""
        person = self._person(payload, "zhangsan")
        values = payload.get("values") or {}
        try:
            sp_no = forms.submit(self.world, person, dict(values))
        except forms.FormRefused as refused:
            return {"state": "refused", "refusal": str(refused)}
        self.world.callbacks.settle()
        return {"state": "submitted", "sp_no": sp_no}

    def _act(self, sp_no: str, action: str, payload: Payload) -> Payload:
        world = self.world
        with world.lock:
            application = self._application(sp_no)
            person = self._person(payload, application.applyer.userid)
            text = str(payload.get("speech") or payload.get("content") or "")
            now = world.clock.now()
            approvals = world.approvals
            try:
                change: int | None
                if action == "delete":
                    change = None
                    approvals.delete(application)
                elif action in ("approve", "refuse"):
                    change = getattr(approvals, action)(application, person, text, now)
                elif action == "comment":
                    change = approvals.comment(application, person, text, now)
                else:
                    change = getattr(approvals, action)(application, person)
            except ApprovalConflict as conflict:
                raise ControlError(409, str(conflict)) from None
            if change is not None:
                world.changed(application, change)
        world.callbacks.settle()
        with world.lock:
            return self._described(application)

    # -- time, callbacks, messages, faults ------------------------------------------------

    def _advance(self, payload: Payload, request: Request) -> Payload:
        self.world.clock.advance(float(payload.get("advance", 0)))
        self.world.callbacks.wake()
        self.world.callbacks.settle()
        return {"now_ms": self.world.clock.now_ms()}

    def _settle(self, payload: Payload, request: Request) -> Payload:
        return {"settled": self.world.callbacks.settle(float(payload.get("timeout", 10)))}

    def _redeliver(self, payload: Payload, request: Request) -> Payload:
        delivery = payload.get("delivery")
        if not isinstance(delivery, int) or isinstance(delivery, bool):
            raise ControlError(400, "delivery: a delivery id (a number) is required")
        try:
            again = self.world.callbacks.redeliver(delivery)
        except LookupError as exc:
            raise ControlError(404, str(exc)) from None
        self.world.callbacks.settle()
        return again

    def _callback_url(self, payload: Payload, request: Request) -> Payload:
        self.world.callbacks.set_url(payload.get("url") or None)
        return {"url": self.world.callbacks.url}

    def _chances(self, payload: Payload, request: Request) -> Payload:
        """Set `drop` and/or `duplicate` probabilities (0 to 1) of callbacks."""
        callbacks = self.world.callbacks
        for name, attribute in (
            ("drop", "drop_probability"),
            ("duplicate", "duplicate_probability"),
        ):
            if name in payload:
                chance = float(payload[name])
                if not 0 <= chance <= 1:
                    raise ControlError(400, f"{name} must be between 0 and 1")
                setattr(callbacks, attribute, chance)
        return {"drop": callbacks.drop_probability, "duplicate": callbacks.duplicate_probability}

    def _verify(self, payload: Payload, request: Request) -> Payload:
        url = payload.get("url") or self.world.callbacks.url
        if not url:
            raise ControlError(400, "no callback URL configured or given")
        return self.world.callbacks.verify_url(str(url))

    def _messages(self, payload: Payload, request: Request) -> list[Payload]:
        kind, to = request.first("kind"), request.first("to")
        with self.world.lock:
            return [
                m.as_dict()
                for m in self.world.messaging.messages
                if kind in (None, m.kind) and (to is None or to in m.to)
            ]

    def _open_card(self, payload: Payload, request: Request) -> Payload:
        """`user` taps template card `message`: where WeCom takes them (card_action)."""
        user = str(payload.get("user") or "")
        with self.world.lock:
            found = next(
                (m for m in self.world.messaging.messages if m.id == payload.get("message")), None
            )
            if found is None or found.msgtype != "template_card" or user not in found.to:
                raise ControlError(404, f"{user!r} has no template card {payload.get('message')}")
            url = template_cards.opens(found.content)
        if not url:
            raise ControlError(409, "the card opens a mini program, not a page")
        return {"url": url}

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
            self.world.tokens.expire_all(self.world.clock.now())
        return {"expired": True}

    def _expire_tickets(self, payload: Payload, request: Request) -> Payload:
        with self.world.lock:
            self.world.tickets.expire_all(self.world.clock.now())
        return {"expired": True}

    def _picker_url(self, payload: Payload, request: Request) -> Payload:
        with self.world.lock:
            self.world.picker_url = str(payload.get("url") or "") or None
            return {"url": self.world.picker_url}

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
            "corp_id": settings.corp_id,
            "agent_id": settings.agent_id,
            "template_id": settings.template_id,
            "callback_url": self.world.callbacks.url,
            "picker_url": self.world.picker_url,
            "robot_webhook": f"{url}cgi-bin/webhook/send?key={settings.robot_key}",
            "jssdk_url": f"{url}jssdk/jwxwork.js",
            "people": [person.__dict__ for person in settings.people],
        }


def _payload(request: Request, from_form: bool) -> Payload:
    """The JSON body; or a posted HTML form, whose `form:<title>` fields become `values`
    (a picked option arrives as `picked:<title>`, the JSON its picker saved)."""
    if from_form:
        fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        flat = {name: values[0] for name, values in fields.items()}
        values: Payload = {n[5:]: v for n, v in flat.items() if n.startswith("form:") and v}
        for name, raw in flat.items():
            if name.startswith("picked:") and raw:
                values[name[7:]] = json.loads(raw)
        return {**flat, "values": values} if values else flat
    try:
        payload = json.loads(request.body) if request.body else {}
    except ValueError:
        raise ControlError(400, "body is not JSON") from None
    if not isinstance(payload, dict):
        raise ControlError(400, "body must be a JSON object")
    return payload
