"""An instance as the v1.0 get-instance API shows it (`result` of "获取单个审批实例详情";
key names as in the SDK's `GetProcessInstanceResponseBody*`)."""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.approvals.instances import Instance, Record, Task
from releasegate.simulators.dingtalk.wire import minute_time


def instance_json(instance: Instance) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": instance.title,
        "createTime": minute_time(instance.create_time),
        "originatorUserId": instance.originator.user_id,
        "originatorDeptId": instance.dept_id,
        "originatorDeptName": instance.dept_name,
        "status": instance.status,
        "result": instance.result,
        "businessId": instance.business_id,
        "bizAction": instance.biz_action,
        "ccUserIds": list(instance.cc_user_ids),
        "attachedProcessInstanceIds": list(instance.attached_instance_ids),
        "formComponentValues": [
            {
                "id": component_id,
                "name": label,
                "value": value,
                "extValue": "",
                "componentType": component_type,
                "bizAlias": "",
            }
            for label, value, component_id, component_type in instance.form
        ],
        "operationRecords": [_record_json(record) for record in instance.records],
        "tasks": [_task_json(instance, task) for task in instance.tasks],
    }
    if instance.main_instance_id:
        data["mainProcessInstanceId"] = instance.main_instance_id
    if instance.finish_time is not None:
        data["finishTime"] = minute_time(instance.finish_time)
    if instance.started_via_api:
        # "only for instances started via API".
        data["approverUserIds"] = [user for step in instance.steps for user in step.user_ids]
    return data


def _record_json(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = {
        "userId": record.user_id,
        "date": minute_time(record.date),
        "type": record.type,
        "result": record.result,
        "attachments": [],
        "ccUserIds": [],
        "images": [],
    }
    if record.remark:
        data["remark"] = record.remark
    if record.activity_id:
        data["activityId"] = record.activity_id
        data["showName"] = record.show_name
    return data


def _task_json(instance: Instance, task: Task) -> dict[str, Any]:
    link = instance.url.replace("#", f"?taskId={task.task_id}#", 1)
    data: dict[str, Any] = {
        "taskId": task.task_id,
        "userId": task.user_id,
        "status": task.status,
        "result": task.result,
        "createTime": minute_time(task.create_time),
        "mobileUrl": link,
        "pcUrl": link,
        "processInstanceId": instance.instance_id,
        "activityId": task.activity_id,
        "taskGroupName": f"审批人{task.step + 1}",
    }
    if task.finish_time is not None:
        data["finishTime"] = minute_time(task.finish_time)
    return data
