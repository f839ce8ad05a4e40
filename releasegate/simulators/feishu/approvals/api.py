"""Approval v4's endpoints (reference section A2, A4): the definition, its event
subscription, instances (create, get, list, cancel) and tasks (approve, reject).

Where the API takes a person in `user_id`, the query's `user_id_type` says which id it is;
the default is `open_id`, as for Feishu's v4 APIs generally (UNCONFIRMED per endpoint).
Error codes: 1390001 param invalid, 1390002 approval code not found, 1390003 instance
code not found, 1390007 subscription existed, 60012 uuid conflict (创建审批实例); which
code Feishu gives a task that is not the caller's or no longer pending is not documented
(UNCONFIRMED): 1390001 with a message saying which.
"""

from __future__ import annotations

import base64
from typing import Any

from releasegate.simulators.feishu.approvals.definition import definition, parse_form
from releasegate.simulators.feishu.approvals.instances import ApprovalConflict, Instance
from releasegate.simulators.feishu.settings import Person
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import ApiFailure, Request, error, invalid

APPROVAL_NOT_FOUND = 1390002
INSTANCE_NOT_FOUND = 1390003
SUBSCRIPTION_EXISTED = 1390007
UUID_CONFLICT = 60012
PAGE_SIZE_MAX = 100


def get_definition(world: World, request: Request, approval_code: str) -> dict[str, Any]:
    _definition_code(world, approval_code)
    return definition(world.settings, world.options.url)


def subscribe(world: World, request: Request, approval_code: str) -> dict[str, Any]:
    _definition_code(world, approval_code)
    if world.subscribed:
        raise ApiFailure(error(400, SUBSCRIPTION_EXISTED, "subscription existed"))
    world.subscribed = True
    return {}


def create(world: World, request: Request) -> dict[str, Any]:
    body = _body(request)
    _definition_code(world, str(body.get("approval_code") or ""))
    if body.get("user_id"):
        originator = _person(world, "user_id", body.get("user_id"))
    else:
        originator = _person(world, "open_id", body.get("open_id"))
    request_uuid = str(body.get("uuid") or "")
    if len(request_uuid) > 64:
        raise invalid("param is invalid: uuid is longer than 64 characters")
    if world.approvals.by_uuid(request_uuid) is not None:
        raise ApiFailure(error(400, UUID_CONFLICT, "uuid conflict"))
    form = parse_form(world.settings, body.get("form"), world.option_texts)
    instance = world.start_instance(originator, form, request_uuid)
    return {"instance_code": instance.instance_code}


def get(world: World, request: Request, instance_code: str) -> dict[str, Any]:
    return world.approvals.detail(_instance(world, instance_code))


def list_codes(world: World, request: Request) -> dict[str, Any]:
    _definition_code(world, request.first("approval_code") or "")
    try:
        start = int(request.first("start_time") or "")
        end = int(request.first("end_time") or "")
        size = int(request.first("page_size") or PAGE_SIZE_MAX)
        offset = _offset(request.first("page_token"))
    except ValueError:
        raise invalid("param is invalid: start_time and end_time (ms) are required") from None
    if not 1 <= size <= PAGE_SIZE_MAX:
        raise invalid(f"param is invalid: page_size must be 1 to {PAGE_SIZE_MAX}")
    codes = [
        i.instance_code
        for i in sorted(world.approvals.instances.values(), key=lambda i: i.start_ms)
        if start <= i.start_ms <= end
    ]
    page = codes[offset : offset + size]
    has_more = offset + size < len(codes)
    data: dict[str, Any] = {"instance_code_list": page, "has_more": has_more}
    if has_more:
        data["page_token"] = base64.urlsafe_b64encode(f"o{offset + size}".encode()).decode()
    return data


def cancel(world: World, request: Request) -> dict[str, Any]:
    body = _body(request)
    _definition_code(world, str(body.get("approval_code") or ""))
    instance = _instance(world, str(body.get("instance_code") or ""))
    person = _person(world, request.first("user_id_type") or "open_id", body.get("user_id"))
    _act(world, lambda now: world.approvals.cancel(instance, person, now))
    return {}


def approve(world: World, request: Request) -> dict[str, Any]:
    return _decide(world, request, "approve")


def reject(world: World, request: Request) -> dict[str, Any]:
    return _decide(world, request, "reject")


def _decide(world: World, request: Request, decision: str) -> dict[str, Any]:
    body = _body(request)
    _definition_code(world, str(body.get("approval_code") or ""))
    instance = _instance(world, str(body.get("instance_code") or ""))
    person = _person(world, request.first("user_id_type") or "open_id", body.get("user_id"))
    task_id, comment = str(body.get("task_id") or ""), str(body.get("comment") or "")
    act = world.approvals.approve if decision == "approve" else world.approvals.reject
    _act(world, lambda now: act(instance, person, task_id, comment, now))
    return {}


def _act(world: World, action: Any) -> None:
    try:
        world.push(action(world.clock.now_ms()))
    except ApprovalConflict as conflict:
        raise invalid(f"param is invalid: {conflict}") from None


def _definition_code(world: World, approval_code: str) -> None:
    if approval_code != world.settings.approval_code:
        raise ApiFailure(
            error(400, APPROVAL_NOT_FOUND, f"approval code not found: {approval_code}")
        )


def _instance(world: World, instance_code: str) -> Instance:
    instance = world.approvals.find(instance_code)
    if instance is None:
        raise ApiFailure(
            error(400, INSTANCE_NOT_FOUND, f"instance code not found: {instance_code}")
        )
    return instance


def _person(world: World, id_type: str, value: Any) -> Person:
    person = world.settings.person_by(id_type, str(value or ""))
    if person is None:
        raise invalid(f"param is invalid: no user with {id_type} {value!r}")
    return person


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise invalid("param is invalid: the body is not JSON") from None
    if not isinstance(body, dict):
        raise invalid("param is invalid: the body must be a JSON object")
    return body


def _offset(page_token: str | None) -> int:
    if not page_token:
        return 0
    decoded = base64.urlsafe_b64decode(page_token.encode()).decode()
    if not decoded.startswith("o"):
        raise ValueError(page_token)
    return int(decoded[1:])
