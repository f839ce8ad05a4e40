"""`/_sim/forms…` and `/_sim/connector…`: the approval form as a tester fills it in, and
the connector its actions call (control_api.py routes here).

- `POST /_sim/forms` {"user"}: open a form; the on-load action fills 项目名称.
- `GET /_sim/forms`, `GET /_sim/forms/<id>`: the forms, each control's options and value.
- `POST /_sim/forms/<id>/choose` {"field", "option"}: choose a select's option (by id or
  value); a bound control's action fills the selects that depend on it.
- `POST /_sim/forms/<id>/fill` {"values": {label: text}}: set controls in order.
- `POST /_sim/forms/<id>/submit`: required controls, then `validate`; the form comes back
  "submitted" with its `instance_id`, or still "open" with the `refusal` shown.
- `GET /_sim/connector`, `POST /_sim/connector` {"url", "auth", "secret", "node",
  "timeout"}: the connector's configuration (only the keys given change).
- `GET /_sim/connector/calls?action=&subject=`: every call with its request, answer,
  outcome and duration; `POST /_sim/connector/calls/reset` forgets them.
- `GET /_sim/connector/node`: the connector node's runs, one per instance that reached it.
- `POST /_sim/connector/settle`: wait until every node attempt due by now was made.
- `POST /_sim/connector/node/again` {"instance_id"}: call that instance's node once more.

Steps that start an instance or call the node return once the pushes and node attempts
then due have been made, like the rest of the control API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from releasegate.simulators.dingtalk.control_api import ControlError
from releasegate.simulators.dingtalk.forms import form
from releasegate.simulators.dingtalk.forms.sessions import FormError, FormSession
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.wire import Request

Payload = dict[str, Any]
Handler = Callable[[Payload, Request], Any]
T = TypeVar("T")


def control_routes(world: World) -> dict[tuple[str, str], Handler]:
    def forms(payload: Payload, request: Request) -> list[Payload]:
        return [form.described(world, session) for session in world.forms.all()]

    def open_form(payload: Payload, request: Request) -> Payload:
        user = str(payload.get("user") or world.settings.users[0].user_id)
        session = _refusing(lambda: form.open_form(world, user))
        return form.described(world, session)

    def configure(payload: Payload, request: Request) -> Payload:
        try:
            return world.connector.configure(payload)
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None

    def calls(payload: Payload, request: Request) -> list[Payload]:
        return world.connector.calls(request.first("action"), request.first("subject"))

    def reset(payload: Payload, request: Request) -> Payload:
        world.connector.reset()
        return {"reset": True}

    def settle(payload: Payload, request: Request) -> Payload:
        return {"settled": world.connector_node.settle(float(payload.get("timeout", 10)))}

    def call_again(payload: Payload, request: Request) -> Payload:
        instance_id = payload.get("instance_id")
        if not isinstance(instance_id, str) or not instance_id:
            raise ControlError(400, "instance_id: an instance id is required")
        try:
            return world.connector_node.call_again(instance_id)
        except LookupError as exc:
            raise ControlError(404, str(exc)) from None

    return {
        ("GET", "/_sim/forms"): forms,
        ("POST", "/_sim/forms"): open_form,
        ("GET", "/_sim/connector"): lambda payload, request: world.connector.settings(),
        ("POST", "/_sim/connector"): configure,
        ("GET", "/_sim/connector/calls"): calls,
        ("POST", "/_sim/connector/calls/reset"): reset,
        ("GET", "/_sim/connector/node"): lambda payload, request: world.connector_node.runs(),
        ("POST", "/_sim/connector/settle"): settle,
        ("POST", "/_sim/connector/node/again"): call_again,
    }


def form_steps(world: World) -> Handler:
    """The handler of `/_sim/forms/<id>[/<step>]`."""

    def step(payload: Payload, request: Request) -> Payload:
        form_id, _, name = request.path.removeprefix("/_sim/forms/").partition("/")
        session = _refusing(lambda: world.forms.get(form_id))
        if request.method == "GET" and not name:
            return form.described(world, session)
        if request.method != "POST" or name not in _STEPS:
            raise ControlError(404, f"no control endpoint {request.method} {request.path}")
        _refusing(lambda: _STEPS[name](world, session, payload))
        if name == "submit":
            world.pusher.settle()
            world.connector_node.settle()
        return form.described(world, session)

    return step


def _choose(world: World, session: FormSession, payload: Payload) -> None:
    field = payload.get("field")
    if not isinstance(field, str) or not field:
        raise FormError(400, "name the control to choose in: {'field': ..., 'option': ...}")
    form.fill(world, session, {field: payload.get("option")})


def _fill(world: World, session: FormSession, payload: Payload) -> None:
    # JSON callers send "values"; the page's plain form posts "form:<label>" fields.
    values = payload.get("values", payload.get("form"))
    if not isinstance(values, dict):
        raise FormError(400, "give the controls' values: {'values': {label: text}}")
    form.fill(world, session, values)


def _submit(world: World, session: FormSession, payload: Payload) -> None:
    form.submit(world, session)


_STEPS: dict[str, Callable[[World, FormSession, Payload], None]] = {
    "choose": _choose,
    "fill": _fill,
    "submit": _submit,
}


def _refusing(step: Callable[[], T]) -> T:
    """`step()`, with the form's refusals as the control API's."""
    try:
        return step()
    except FormError as error:
        raise ControlError(error.status, str(error)) from None
