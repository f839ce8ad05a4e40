"""A typed client for the parts of DingTalk's server API that ReleaseGate drives: approval
instances, work notifications and robot 1:1 messages. (The custom group robot has its own
webhook and secret: robot.py.)

Every call has explicit timeouts; every failure is an `OutboundError` whose `permanent`
flag says whether retrying can help; QPS limits are retried with a short backoff; the
app secret and access tokens never appear in a log line or an exception message. No
Django imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Self

from releasegate.config.dingtalk import DingTalkSettings
from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.card_client import CardCalls
from releasegate.integrations.dingtalk.models import (
    ApprovalInstance,
    ApproverStep,
    InstanceStatus,
)
from releasegate.integrations.dingtalk.parsing import instance_from, validated
from releasegate.integrations.dingtalk.raw import (
    RawCreated,
    RawDepartmentsAnswer,
    RawExecuted,
    RawIdPageAnswer,
    RawInstanceAnswer,
    RawMember,
    RawMemberPageAnswer,
    RawRobotBatchAnswer,
    RawWorkNotificationAnswer,
)
from releasegate.releases.approvals.ports import SentMessage

__all__ = ["DingTalkClient"]

# "发起审批实例": at most 150 form values and 20 approver steps.
MAX_FORM_VALUES = 150
MAX_APPROVER_STEPS = 20
# "同意或拒绝审批任务": a remark of at most 1024 characters.
MAX_REMARK = 1024
# instanceIds/query takes maxResults of at most 20.
MAX_PAGE_SIZE = 20
# "发送工作通知": userid_list holds at most 100 users.
WORK_NOTIFICATION_BATCH = 100
# "获取部门用户详情" (topapi/v2/user/list): a page holds at most 100 people.
MEMBER_PAGE_SIZE = 100
# robot oToMessages/batchSend: at most 20 userIds per call, as recalled from the official
# page; no source at hand confirms the number.
ROBOT_BATCH = 20


class DingTalkClient(CardCalls):
    """The operations ReleaseGate performs on DingTalk for one app. Thread-safe."""

    @classmethod
    def from_settings(cls, settings: DingTalkSettings, **options: Any) -> Self:
        """A client for the configured app; `options` go to the session (timeouts, ...)."""
        return cls(
            app_key=settings.app_key,
            app_secret=settings.app_secret,
            agent_id=settings.agent_id,
            api_base=settings.api_base,
            oapi_base=settings.oapi_base,
            **options,
        )

    # -- approval instances ---------------------------------------------------------

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        """The instance as DingTalk shows it now. Raises `NotFound` when there is no such
        instance, `UnexpectedResponse` when the answer does not have the documented shape."""
        what = f"approval instance {instance_id}"
        response = self._v1(
            "GET",
            "v1.0/workflow/processInstances",
            what,
            params={"processInstanceId": instance_id},
        )
        answer = validated(RawInstanceAnswer, response, what)
        if str(answer.success).lower() == "false":
            raise errors.UnexpectedResponse(f"{what}: DingTalk answered success=false")
        return instance_from(instance_id, answer.result)

    def create_instance(
        self,
        process_code: str,
        originator_user_id: str,
        form_values: Sequence[tuple[str, str]],
        *,
        dept_id: int = -1,
        approvers: Sequence[ApproverStep] | None = None,
    ) -> str:
        """Start an approval instance and return its id.

        `form_values` are (label, value) pairs; every value must already be a string
        (JSON-typed values serialised), as DingTalk requires. `dept_id` -1 is the root
        department. `approvers`, when given, replace the approval flow configured in
        DingTalk. Raises `ValueError` before sending anything DingTalk would refuse.
        """
        body: dict[str, Any] = {
            "processCode": process_code,
            "originatorUserId": originator_user_id,
            "deptId": dept_id,
            "formComponentValues": _form_component_values(form_values),
        }
        if self.agent_id:
            body["microappAgentId"] = self.agent_id
        if approvers:
            if len(approvers) > MAX_APPROVER_STEPS:
                raise ValueError(f"at most {MAX_APPROVER_STEPS} approver steps")
            body["approvers"] = [
                {"actionType": step.action_type, "userIds": list(step.user_ids)}
                for step in approvers
            ]
        what = f"a new instance of {process_code}"
        response = self._v1("POST", "v1.0/workflow/processInstances", what, json=body)
        return validated(RawCreated, response, what).instance_id

    def execute_task(
        self,
        instance_id: str,
        task_id: int,
        actioner_user_id: str,
        *,
        agree: bool,
        remark: str = "",
    ) -> None:
        """Agree or refuse one approver's task as that approver (`Workflow.Instance.Write`).
        Raises `TaskRefused` when DingTalk will not take the decision (not their task, or
        no longer open). A refusal on one task ends the approval; an agreement moves it on.
        """
        body: dict[str, Any] = {
            "processInstanceId": instance_id,
            "taskId": task_id,
            "actionerUserId": actioner_user_id,
            "result": "agree" if agree else "refuse",
        }
        if remark:
            body["remark"] = remark[:MAX_REMARK]
        what = f"the decision on task {task_id} of {instance_id}"
        response = self._v1("POST", "v1.0/workflow/processInstances/execute", what, json=body)
        answer = validated(RawExecuted, response, what)
        if str(answer.success).lower() != "true":
            raise errors.UnexpectedResponse(f"{what}: DingTalk answered success={answer.success}")

    def list_instance_ids(
        self,
        process_code: str,
        start_ms: int,
        end_ms: int | None = None,
        statuses: Iterable[InstanceStatus | str] | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
    ) -> list[str]:
        """Ids of the process's instances started in [start_ms, end_ms] (epoch ms; DingTalk
        allows a window of at most 120 days), optionally only those in `statuses`, following
        `nextToken` to the last page."""
        body: dict[str, Any] = {
            "processCode": process_code,
            "startTime": start_ms,
            "nextToken": 0,
            "maxResults": max(1, min(page_size, MAX_PAGE_SIZE)),
        }
        if end_ms is not None:
            body["endTime"] = end_ms
        if statuses is not None:
            body["statuses"] = [str(status) for status in statuses]
        what = f"instance ids of {process_code}"
        ids: list[str] = []
        seen: set[str] = set()
        while True:
            response = self._v1(
                "POST", "v1.0/workflow/processes/instanceIds/query", what, json=body
            )
            page = validated(RawIdPageAnswer, response, what).result
            ids.extend(page.ids)
            token = "" if page.next_token is None else str(page.next_token)
            if not token or not page.ids:
                return ids
            if token in seen:
                raise errors.UnexpectedResponse(f"{what}: DingTalk repeated nextToken {token}")
            seen.add(token)
            body["nextToken"] = int(token) if token.isdigit() else token

    # -- the directory (通讯录) ------------------------------------------------------

    def sub_department_ids(self, dept_id: int) -> list[int]:
        """The ids of the department's direct sub-departments ("获取部门列表",
        topapi/v2/department/listsub; 1 is the root). Raises `PermissionDenied` when the
        app may not read departments or this one is outside its contact range."""
        what = f"the sub-departments of department {dept_id}"
        body = {"dept_id": dept_id}
        response = self._oapi_post("topapi/v2/department/listsub", what, body)
        return [dept.dept_id for dept in validated(RawDepartmentsAnswer, response, what).result]

    def department_members(self, dept_id: int) -> list[RawMember]:
        """The people directly in the department ("获取部门用户详情", topapi/v2/user/list),
        following `next_cursor` to the last page."""
        what = f"the people of department {dept_id}"
        body: dict[str, Any] = {"dept_id": dept_id, "cursor": 0, "size": MEMBER_PAGE_SIZE}
        members: list[RawMember] = []
        for _ in range(100_000):  # a bound, should DingTalk ever page forever
            response = self._oapi_post("topapi/v2/user/list", what, body)
            page = validated(RawMemberPageAnswer, response, what).result
            members += page.members
            if not page.has_more or page.next_cursor is None or not page.members:
                break
            body["cursor"] = page.next_cursor
        return members

    # -- messages -------------------------------------------------------------------

    def send_work_notification(
        self, user_ids: Sequence[str], title: str, markdown: str
    ) -> SentMessage:
        """Send a markdown work notification from the app (agent) to the users, 100 per
        request. Returns the task ids, comma-separated, as the reference.

        DingTalk silently drops a message identical to one the same user got the same
        day: vary the text (name the instance). Raises `MessageRejected` on a non-zero
        `errcode` (HTTP 200 notwithstanding); users of batches before a refused one were
        sent their message.
        """
        if not self.agent_id:
            raise ValueError("work notifications need the app's agent id")
        msg = {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
        task_ids: list[str] = []
        for batch in _batches(user_ids, WORK_NOTIFICATION_BATCH):
            body = {"agent_id": self.agent_id, "userid_list": ",".join(batch), "msg": msg}
            what = f"a work notification to {len(batch)} users"
            response = self._oapi_post("topapi/message/corpconversation/asyncsend_v2", what, body)
            task_ids.append(str(validated(RawWorkNotificationAnswer, response, what).task_id))
        return SentMessage(reference=",".join(task_ids))

    def send_robot_message(self, user_ids: Sequence[str], title: str, markdown: str) -> SentMessage:
        """Send a markdown message from the app's robot to each user's 1:1 chat.

        The robot code of an internal app's robot is its app key. Returns the
        processQueryKeys (comma-separated) and, in `not_reached`, the users DingTalk
        named as invalid, flow-controlled or filtered.
        """
        param = json.dumps({"title": title, "text": markdown}, ensure_ascii=False)
        keys: list[str] = []
        not_reached: dict[str, None] = {}
        for batch in _batches(user_ids, ROBOT_BATCH):
            body = {
                "robotCode": self.app_key,
                "userIds": batch,
                "msgKey": "sampleMarkdown",
                "msgParam": param,
            }
            what = f"a robot message to {len(batch)} users"
            response = self._v1("POST", "v1.0/robot/oToMessages/batchSend", what, json=body)
            answer = validated(RawRobotBatchAnswer, response, what)
            keys.append(answer.process_query_key)
            for user_id in (
                *answer.invalid_staff_id_list,
                *answer.flow_controlled_staff_id_list,
                *answer.filtered_staff_id_list,
            ):
                not_reached.setdefault(user_id, None)
        return SentMessage(reference=",".join(keys), not_reached=tuple(not_reached))


def _form_component_values(form_values: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    if len(form_values) > MAX_FORM_VALUES:
        raise ValueError(f"at most {MAX_FORM_VALUES} form values")
    values = []
    for name, value in form_values:
        if not isinstance(value, str):
            raise ValueError(f"form value {name!r} must be a string (serialise JSON values)")
        values.append({"name": name, "value": value})
    return values


def _batches(user_ids: Sequence[str], size: int) -> Iterator[list[str]]:
    """The distinct user ids, in order, in lists of at most `size`."""
    unique = list(dict.fromkeys(user_ids))
    if not unique:
        raise ValueError("a message needs at least one recipient")
    for start in range(0, len(unique), size):
        yield unique[start : start + size]
