"""WeCom behind the approval port: its applications (审批申请) in the domain's words,
listing the release template's applications, and submitting one on a person's behalf.

People are named by their WeCom userid. WeCom has no API to decide a task of its approval
app, so `act` is not supported: approvers open the application in WeCom.

Statuses (getapprovaldetail `sp_status`): 1 审批中, 2 已通过, 3 已驳回, 4 已撤销,
6 通过后撤销, 7 已删除, 10 已支付. Only 2 releases; 6 is an approval taken back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project
from releasegate.catalog.option_ids import application_id, choice_id, chosen, project_id
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.client import WeComClient
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.errors import ActionNotSupported
from releasegate.releases.approvals.instance import (
    ApprovalInstance,
    ApprovalStatus,
    ApproverTask,
    TaskDecision,
)
from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.releases.form import parse_release_time, read_form

logger = logging.getLogger("releasegate.wecom")

PROVIDER = "wecom"
# The template's Text control ReleaseGate writes its own request id into: after a lost
# answer the application is found again by it (applyevent has no idempotency key).
REQUEST_ID_TITLE = "发布请求编号"
_STATUSES = {
    1: ApprovalStatus.PENDING,
    2: ApprovalStatus.APPROVED,
    3: ApprovalStatus.REFUSED,
    4: ApprovalStatus.WITHDRAWN,
    6: ApprovalStatus.APPROVED,  # approved, then revoked: taken back
    7: ApprovalStatus.DELETED,
}
_STATUS_WORDS = {
    1: "审批中",
    2: "已通过",
    3: "已驳回",
    4: "已撤销",
    6: "通过后撤销",
    7: "已删除",
    10: "已支付",
}
# A node's `sp_status`: 1 审批中, 2 同意, 3 驳回; the rest (转审, 退回, 加签…) decide nothing.
_TASKS = {1: TaskDecision.PENDING, 2: TaskDecision.APPROVED, 3: TaskDecision.REFUSED}
TEMPLATE_TTL_SECONDS = 600
START_ATTEMPTS = 3
# Where to look for an application whose answer was lost.
_LOOK_AROUND = timedelta(minutes=10)


class WeComApprovals:
    """The release template's applications in one WeCom app (the approval port's source)."""

    provider = PROVIDER

    def __init__(
        self, client: WeComClient, template_id: str, mapping: FormMapping, releases: ReleaseOptions
    ) -> None:
        self.client = client
        self.template_id = template_id
        self.mapping = mapping
        self.releases = releases
        self._lock = threading.Lock()
        self._template: tuple[float, dict[str, dict[str, Any]]] | None = None

    @property
    def release_form(self) -> str:
        return self.template_id

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        return self.describe(self.client.approval_detail(instance_id))

    def describe(self, info: dict[str, Any]) -> ApprovalInstance:
        code = info.get("sp_status")
        status = (
            _STATUSES.get(code, ApprovalStatus.WITHDRAWN)
            if isinstance(code, int)
            else ApprovalStatus.WITHDRAWN
        )
        tasks = tuple(_tasks(info))
        form = tuple(
            (_title(c), self._value(c)) for c in _contents(info) if _title(c) != REQUEST_ID_TITLE
        )
        decided = [t.decided_at for t in tasks if t.decided_at]
        return ApprovalInstance(
            provider=PROVIDER,
            instance_id=str(info.get("sp_no") or ""),
            status=status,
            provider_status=f"{code} {_STATUS_WORDS.get(code, '')}".strip()
            if isinstance(code, int)
            else "",
            title=str(info.get("sp_name") or ""),
            originator_user_id=str((info.get("applyer") or {}).get("userid") or ""),
            approvers=tuple(dict.fromkeys(t.user_id for t in tasks if t.user_id)),
            approved_by=tuple(t.user_id for t in tasks if t.decision is TaskDecision.APPROVED),
            tasks=tasks,
            taken_back=code == 6,
            form=form,
            request=read_form(dict(form), self.mapping),
            form_code=str(info.get("template_id") or ""),
            created_at=_time(info.get("apply_time")),
            finished_at=max(decided) if decided and status is not ApprovalStatus.PENDING else None,
        )

    def _value(self, content: dict[str, Any]) -> str:
        value = content.get("value") or {}
        selector = value.get("selector")
        if isinstance(selector, dict):
            picked = []
            for option in selector.get("options") or []:
                key = str(option.get("key") or "")
                texts = option.get("value") or []
                text = (
                    str(texts[0].get("text") or "") if texts and isinstance(texts[0], dict) else ""
                )
                picked.append(chosen(key) or text or key)
            return ", ".join(picked)
        date = value.get("date")
        if isinstance(date, dict):
            stamp = str(date.get("s_timestamp") or "")
            if not stamp.isdigit() or int(stamp) == 0:
                return ""  # an empty Date (WeCom answers "0")
            moment = datetime.fromtimestamp(int(stamp), tz=self.releases.zone)
            # People pick minutes; a time submitted through the API may carry seconds.
            return f"{moment:%Y-%m-%d %H:%M:%S}" if moment.second else f"{moment:%Y-%m-%d %H:%M}"
        for key in ("text", "new_number", "new_money"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return ""

    def changed_since(self, since: datetime, until: datetime) -> list[str]:
        """WeCom lists a template's applications by the time they were made."""
        filters = [{"key": "template_id", "value": self.template_id}]
        return self.client.approval_numbers(int(since.timestamp()), int(until.timestamp()), filters)

    def is_release_form(self, instance: ApprovalInstance) -> bool:
        return instance.form_code == self.template_id

    def act(
        self, instance_id: str, task_id: str, approver_user_id: str, decision: Decision, remark: str
    ) -> None:
        raise ActionNotSupported(
            "WeCom's approval app cannot be decided from outside: open it in WeCom"
        )

    # -- submitting --------------------------------------------------------------------

    def start(self, originator_user_id: str, request: ReleaseRequest) -> str:
        request_id = uuid.uuid4().hex
        body = {
            "creator_userid": originator_user_id,
            "template_id": self.template_id,
            "use_template_approver": 1,
            "apply_data": {"contents": self.contents_for(request, request_id)},
            "summary_list": _summary(request),
        }
        started = datetime.now(UTC)
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                return self.client.apply_event(body)
            except OutboundError as exc:
                if exc.permanent:
                    raise
                # The answer may be lost after WeCom made it: look before trying again.
                found = self._find(originator_user_id, request_id, started)
                if found:
                    logger.info("application %s was made; its answer was lost", found)
                    return found
                if attempt == START_ATTEMPTS or isinstance(exc, errors.RateLimited):
                    raise
                logger.warning("submitting a WeCom application: %s; trying again", exc)
        raise AssertionError("unreachable")

    def _find(self, creator: str, request_id: str, started: datetime) -> str:
        filters = [
            {"key": "template_id", "value": self.template_id},
            {"key": "creator", "value": creator},
        ]
        numbers = self.client.approval_numbers(
            int((started - _LOOK_AROUND).timestamp()),
            int((started + _LOOK_AROUND).timestamp()),
            filters,
        )
        for sp_no in reversed(numbers):
            contents = _contents(self.client.approval_detail(sp_no))
            if any(
                _title(c) == REQUEST_ID_TITLE and (c.get("value") or {}).get("text") == request_id
                for c in contents
            ):
                return sp_no
        return ""

    def contents_for(self, request: ReleaseRequest, request_id: str) -> list[dict[str, Any]]:
        """The template's controls as applyevent takes them: our option keys for the
        picker's selectors, the text's key for a fixed selector, the time as a Date."""
        controls = self._controls()
        if REQUEST_ID_TITLE not in controls:
            raise errors.StartRefused(
                f"the WeCom template has no Text control {REQUEST_ID_TITLE!r} (docs/wecom-setup.md)"
            )
        catalog = snapshot.current()
        project = find_project(catalog, request.project)
        application = find_application(catalog, request.application, request.project)
        mapping = self.mapping
        wanted: list[tuple[str, str, str]] = [
            (
                mapping.project,
                project_id(project.key or project.display_name) if project else request.project,
                "",
            ),
            (
                mapping.application,
                application_id(application.full_name) if application else request.application,
                "",
            ),
            (mapping.release_type, request.release_type, mapping.release_type_parameter),
            (mapping.release_time, request.release_time, ""),
            (mapping.db_change, request.db_change, ""),
            (mapping.db_change_done, request.db_change_done, ""),
            (REQUEST_ID_TITLE, request_id, ""),
        ]
        for label, names in mapping.parameter_names().items():
            given = next(
                ((n, request.parameters[n]) for n in names if request.parameters.get(n)), None
            )
            if given:
                wanted.append((label, given[1], given[0]))
        contents = []
        for title, value, parameter in wanted:
            if value == "":
                continue
            control = controls.get(title)
            if control is None:
                raise errors.StartRefused(f"the WeCom template has no control titled {title!r}")
            prop = control["property"]
            contents.append(
                {
                    "control": prop["control"],
                    "id": prop["id"],
                    "value": self._control_value(control, value, parameter),
                }
            )
        return contents

    def _control_value(self, control: dict[str, Any], value: str, parameter: str) -> dict[str, Any]:
        kind = control["property"]["control"]
        if kind == "Selector":
            selector = (control.get("config") or {}).get("selector") or {}
            options = {
                str((o.get("value") or [{}])[0].get("text") or ""): str(o.get("key") or "")
                for o in selector.get("options") or []
            }
            if value in options:
                key = options[value]
            elif chosen(value) is not None or not parameter:
                key = value  # our option id, from the picker
            else:
                key = choice_id(parameter, value)
            return {
                "selector": {"type": selector.get("type") or "single", "options": [{"key": key}]}
            }
        if kind == "Date":
            moment = parse_release_time(value, self.releases)
            if moment is None:
                raise errors.StartRefused(f"{value!r} is not a time")
            return {"date": {"type": "hour", "s_timestamp": str(int(moment.timestamp()))}}
        if kind == "Number":
            return {"new_number": value}
        return {"text": value.replace("\n", " ") if kind == "Text" else value}

    def _controls(self) -> dict[str, dict[str, Any]]:
        """The template's controls by their (Chinese) title, read and kept for a while."""
        with self._lock:
            if self._template and time.monotonic() - self._template[0] < TEMPLATE_TTL_SECONDS:
                return self._template[1]
        found = self.client.template(self.template_id)
        controls = ((found.get("template_content") or {}).get("controls")) or []
        by_title = {_title(c.get("property") or {}): c for c in controls if isinstance(c, dict)}
        with self._lock:
            self._template = (time.monotonic(), by_title)
        return by_title


def _title(item: dict[str, Any]) -> str:
    """A control's title in Chinese (WeCom's `lang` is zh_CN), else its first."""
    titles = [t for t in item.get("title") or [] if isinstance(t, dict)]
    chinese = next((t for t in titles if t.get("lang") == "zh_CN"), titles[0] if titles else {})
    return str(chinese.get("text") or "")


def _contents(info: dict[str, Any]) -> list[dict[str, Any]]:
    contents = (info.get("apply_data") or {}).get("contents") or []
    return [c for c in contents if isinstance(c, dict)]


def _tasks(info: dict[str, Any]) -> list[ApproverTask]:
    tasks = []
    for record in info.get("sp_record") or []:
        for detail in (record or {}).get("details") or []:
            decision = _TASKS.get(detail.get("sp_status"), TaskDecision.OTHER)
            tasks.append(
                ApproverTask(
                    user_id=str(((detail.get("approver") or {}).get("userid")) or ""),
                    decision=decision,
                    decided_at=_time(detail.get("sptime"))
                    if decision is not TaskDecision.PENDING
                    else None,
                    remark=str(detail.get("speech") or ""),
                )
            )
    return tasks


def whose_turn(info: dict[str, Any]) -> list[tuple[int, str]]:
    """(node, userid) of each approver WeCom waits for now: in the first approver node
    still 审批中 (WeCom lists the later nodes as 审批中 too, 获取审批申请详情's sample),
    each approver still 审批中, and only the first of them when they approve in turn
    (依次, apv_rel 3). `node` is the node's place in process_list, which says how its
    approvers decide; without one, sp_record's nodes are read (no 依次 there)."""
    if info.get("sp_status") != 1:
        return []
    nodes = (info.get("process_list") or {}).get("node_list")
    if isinstance(nodes, list):
        return _turn_in_process(nodes)
    return _turn_in_records(info.get("sp_record") or [])


def _turn_in_process(nodes: list[Any]) -> list[tuple[int, str]]:
    for index, node in enumerate(nodes):
        if isinstance(node, dict) and node.get("node_type") == 1 and node.get("sp_status") == 1:
            waiting = [
                str(sub["userid"])
                for sub in node.get("sub_node_list") or []
                if isinstance(sub, dict) and sub.get("sp_yj") == 1 and sub.get("userid")
            ]
            in_turn = node.get("apv_rel") == 3
            return [(index, user) for user in (waiting[:1] if in_turn else waiting)]
    return []


def _turn_in_records(records: list[Any]) -> list[tuple[int, str]]:
    for index, record in enumerate(records):
        if isinstance(record, dict) and record.get("sp_status") == 1:
            details = [d for d in record.get("details") or [] if isinstance(d, dict)]
            people = [d.get("approver") or {} for d in details if d.get("sp_status") == 1]
            return [(index, str(p["userid"])) for p in people if p.get("userid")]
    return []


def _summary(request: ReleaseRequest) -> list[dict[str, Any]]:
    """At most three lines of at most 20 characters, shown in WeCom's lists."""
    lines = [f"应用：{request.application}", f"类型：{request.release_type or '—'}"]
    return [{"summary_info": [{"text": line[:20], "lang": "zh_CN"}]} for line in lines]


def _time(seconds: object) -> datetime | None:
    if isinstance(seconds, str) and seconds.isdigit():
        seconds = int(seconds)
    if not isinstance(seconds, int) or seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)
