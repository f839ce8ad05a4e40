"""The v1.0 workflow endpoints: start an instance, read one, list instance ids, and
decide an approver's task (`processInstances/execute`, reference section 9.1).

Validation follows "发起审批实例": `processCode` must be the app's form, the originator
a member, every `formComponentValues[].value` a string (max 65535) under a label of the
form, `deptId` given unless `approvers` are. Which error code DingTalk gives for an
unknown label or a missing required field is not documented; `formConverterError` is our
choice.
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.approvals.export import instance_json
from releasegate.simulators.dingtalk.approvals.instances import Instance, Step
from releasegate.simulators.dingtalk.settings import ROOT_DEPT, SimSettings
from releasegate.simulators.dingtalk.state import NewInstance, World
from releasegate.simulators.dingtalk.wire import ApiFailure, Request, invalid_parameter, v1_error

MAX_FORM_VALUES = 150
MAX_VALUE_LENGTH = 65535
MAX_APPROVER_STEPS = 20
MAX_PAGE = 20
MAX_WINDOW_MS = 120 * 24 * 3600 * 1000
MAX_REMARK = 1024
LISTABLE_STATUSES = {"NEW", "RUNNING", "TERMINATED", "COMPLETED", "CANCELED"}


def create(world: World, request: Request) -> dict[str, Any]:
    body = _json_object(request)
    settings = world.settings
    if body.get("processCode") != settings.process_code:
        raise ApiFailure(v1_error(400, "processCodeError", "processCode 不存在"))
    agent = body.get("microappAgentId")
    if agent is not None and str(agent) != str(settings.agent_id):
        raise ApiFailure(v1_error(400, "invalidAgentId", "microappAgentId 无效"))
    new = parse_new_instance(settings, body)
    instance = world.start_instance(new, via_api=True)
    return {"instanceId": instance.instance_id}


def parse_new_instance(settings: SimSettings, body: dict[str, Any]) -> NewInstance:
    """The instance a create request asks for; `ApiFailure` says what is wrong."""
    originator = settings.user(str(body.get("originatorUserId") or ""))
    if originator is None:
        raise invalid_parameter("originatorUserId 不存在")
    steps = _steps(settings, body.get("approvers"))
    dept_id = body.get("deptId")
    if dept_id is None and steps is None:
        raise invalid_parameter("deptId is required when approvers are not given")
    if dept_id is not None and (not isinstance(dept_id, int) or dept_id < ROOT_DEPT):
        raise invalid_parameter("deptId must be a department id, -1 for the root")
    cc = body.get("ccList") or []
    if not isinstance(cc, list) or any(settings.user(str(user)) is None for user in cc):
        raise invalid_parameter("ccList must list members of the organisation")
    return NewInstance(
        originator=originator,
        dept_id=ROOT_DEPT if dept_id is None else dept_id,
        form=_form_values(settings, body.get("formComponentValues")),
        steps=steps,
        cc_user_ids=[str(user) for user in cc],
    )


def _form_values(settings: SimSettings, values: Any) -> list[tuple[str, str]]:
    if not isinstance(values, list) or not values or len(values) > MAX_FORM_VALUES:
        raise invalid_parameter(f"formComponentValues must hold 1 to {MAX_FORM_VALUES} values")
    labels = {field.label for field in settings.form}
    form: list[tuple[str, str]] = []
    for index, item in enumerate(values):
        name = item.get("name") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(value, str):
            raise invalid_parameter(f"formComponentValues[{index}]: name and value must be strings")
        if len(value) > MAX_VALUE_LENGTH:
            raise invalid_parameter(f"formComponentValues[{index}].value is too long")
        if name not in labels:
            raise ApiFailure(v1_error(400, "formConverterError", f"表单组件 {name} 不存在"))
        form.append((name, value))
    given = {name for name, value in form if value}
    for field in settings.form:
        if field.required and field.label not in given:
            raise ApiFailure(v1_error(400, "formConverterError", f"{field.label} 必填"))
    return form


def _steps(settings: SimSettings, approvers: Any) -> list[Step] | None:
    if approvers is None:
        return None
    if not isinstance(approvers, list) or not 1 <= len(approvers) <= MAX_APPROVER_STEPS:
        raise invalid_parameter(f"approvers must hold 1 to {MAX_APPROVER_STEPS} steps")
    steps = []
    for index, step in enumerate(approvers):
        action = step.get("actionType", "NONE") if isinstance(step, dict) else None
        users = step.get("userIds") if isinstance(step, dict) else None
        if action not in ("AND", "OR", "NONE") or not isinstance(users, list) or not users:
            raise invalid_parameter(f"approvers[{index}] needs actionType and userIds")
        if action == "NONE" and len(users) > 1:
            raise invalid_parameter(f"approvers[{index}]: NONE takes one user; use AND or OR")
        if any(settings.user(str(user)) is None for user in users):
            raise invalid_parameter(f"approvers[{index}] names a user who does not exist")
        steps.append(Step(action, tuple(str(user) for user in users)))
    return steps


def get(world: World, request: Request) -> dict[str, Any]:
    instance_id = request.first("processInstanceId")
    if not instance_id:
        raise invalid_parameter("processInstanceId is required")
    instance = world.approvals.instances.get(instance_id)
    if instance is None:
        raise ApiFailure(v1_error(400, "processInstanceNotExist", "审批实例不存在"))
    # The documented example has success as the string "true".
    return {"result": instance_json(instance), "success": "true"}


def list_ids(world: World, request: Request) -> dict[str, Any]:
    body = _json_object(request)
    if body.get("processCode") != world.settings.process_code:
        raise ApiFailure(v1_error(400, "processCodeError", "processCode 不存在"))
    start, end = body.get("startTime"), body.get("endTime", world.clock.now_ms())
    if not isinstance(start, int) or not isinstance(end, int) or end < start:
        raise invalid_parameter("startTime and endTime must be epoch milliseconds, start first")
    if end - start > MAX_WINDOW_MS:
        raise invalid_parameter("the time window is at most 120 days")
    size = body.get("maxResults", MAX_PAGE)
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE:
        raise invalid_parameter(f"maxResults must be 1 to {MAX_PAGE}")
    statuses = body.get("statuses")
    if statuses is not None and (
        not isinstance(statuses, list) or not set(statuses) <= LISTABLE_STATUSES
    ):
        raise invalid_parameter(f"statuses must be among {', '.join(sorted(LISTABLE_STATUSES))}")
    users = body.get("userIds")
    matching = [
        instance.instance_id
        for instance in sorted(world.approvals.instances.values(), key=lambda i: i.create_time)
        if start <= instance.create_time * 1000 <= end
        and (statuses is None or instance.status in statuses)
        and (not users or instance.originator.user_id in users)
    ]
    offset = _offset(body.get("nextToken", 0))
    page: dict[str, Any] = {"list": matching[offset : offset + size]}
    if offset + size < len(matching):
        page["nextToken"] = str(offset + size)
    return {"result": page, "success": True}


def execute(world: World, request: Request) -> dict[str, Any]:
    """Agree or refuse one task as its approver. Which code answers "not the actioner's
    task" and "no longer open" is UNCONFIRMED (reference 9.1): ours are `needAuth` and
    `aflowProcessInstCanNotBeExecuted`. A decision that brings the instance to its
    connector node leaves the node to be run once the lock is let go (`reached_node`)."""
    body = _json_object(request)
    instance = world.approvals.instances.get(str(body.get("processInstanceId") or ""))
    if instance is None:
        raise ApiFailure(v1_error(400, "invalidInstanceId", "审批实例不存在"))
    task_id, actioner = body.get("taskId"), str(body.get("actionerUserId") or "")
    result, remark = body.get("result"), body.get("remark", "")
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise invalid_parameter("taskId must be a number")
    if result not in ("agree", "refuse"):
        raise ApiFailure(
            v1_error(400, "invalidInstanceExecuteResult", "result 只能是 agree 或 refuse")
        )
    if not isinstance(remark, str) or len(remark) > MAX_REMARK:
        raise invalid_parameter(f"remark must be text of at most {MAX_REMARK} characters")
    if world.settings.user(actioner) is None:
        raise ApiFailure(v1_error(400, "userNotExist", "actionerUserId 不存在"))
    _check_task(instance, task_id, actioner)
    decide = world.approvals.agree if result == "agree" else world.approvals.refuse
    world.push(decide(instance, actioner, remark, world.clock.now()))
    world.reached_node.append(instance)
    return {"result": result == "agree", "success": True}


def _check_task(instance: Instance, task_id: int, actioner: str) -> None:
    task = next((t for t in instance.tasks if t.task_id == task_id), None)
    if task is None:
        raise ApiFailure(v1_error(400, "invalidInstanceExecuteTaskId", "任务不存在"))
    if task.user_id != actioner:
        raise ApiFailure(v1_error(400, "needAuth", "没有同意拒绝审批的权限"))
    if instance.status != "RUNNING" or task.status != "RUNNING":
        raise ApiFailure(
            v1_error(400, "aflowProcessInstCanNotBeExecuted", "审批状态异常，无法执行")
        )


def _offset(token: Any) -> int:
    text = str(token if token is not None else 0)
    if not text.isdigit():
        raise invalid_parameter("nextToken is not one this API gave out")
    return int(text)


def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise invalid_parameter("the body is not JSON") from None
    if not isinstance(body, dict):
        raise invalid_parameter("the body must be a JSON object")
    return body
