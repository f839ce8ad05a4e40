"""The approval APIs (reference section B1, B3, §5.2): oa/gettemplatedetail,
oa/applyevent, oa/getapprovaldetail and oa/getapprovalinfo, each 600/min per corp.

Errors (each API's 错误说明): 301025 bad parameters (the simulator's errmsg names the
field or control), 301055 the creator is not in the app's visible range. Which code an
unknown sp_no gets is not documented: 301025, the detail API's only parameter error
(UNCONFIRMED). applyevent has **no idempotency key**: the same body twice makes two
applications.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from releasegate.simulators.wecom.approvals.applications import (
    COUNTERSIGN,
    Application,
    Branch,
    Node,
)
from releasegate.simulators.wecom.approvals.detail import detail
from releasegate.simulators.wecom.approvals.template import parse_contents, template_detail
from releasegate.simulators.wecom.settings import Person, SimSettings
from releasegate.simulators.wecom.wire import ApiFailure, Request, error, invalid

if TYPE_CHECKING:
    from releasegate.simulators.wecom.state import World

NO_PERMISSION = 301055
SPAN_MAX = 31 * 86400
PAGE_SIZE_MAX = 100
FILTER_KEYS = ("template_id", "creator", "department", "sp_status", "record_type")


def get_template_detail(world: World, request: Request) -> dict[str, Any]:
    _template(world.settings, _body(request).get("template_id"))
    return template_detail(world.settings)


def apply_event(world: World, request: Request) -> dict[str, Any]:
    body = _body(request)
    settings = world.settings
    _template(settings, body.get("template_id"))
    creator = settings.person(str(body.get("creator_userid") or ""))
    if creator is None:
        raise ApiFailure(error(NO_PERMISSION, "creator_userid is not in the app's visible range"))
    nodes, notifyer = _flow(settings, body)
    summary = _summary(body.get("summary_list"))
    contents = parse_contents(settings, body.get("apply_data"), world.option_texts)
    application = world.submit(creator, contents, nodes, notifyer, summary)
    return {"sp_no": application.sp_no}


def get_approval_detail(world: World, request: Request) -> dict[str, Any]:
    return {"info": detail(world.settings, find(world, _body(request).get("sp_no")))}


def get_approval_info(world: World, request: Request) -> dict[str, Any]:
    body = _body(request)
    try:
        start, end = int(body["starttime"]), int(body["endtime"])
        size = int(body.get("size") or PAGE_SIZE_MAX)
        offset = _offset(body)
    except (TypeError, ValueError):
        raise invalid(
            "starttime, endtime (Unix seconds), size and the cursor are numbers"
        ) from None
    if end <= start:
        raise invalid("endtime must be later than starttime")
    if end - start > SPAN_MAX:
        raise invalid("starttime to endtime spans more than 31 days")
    if not 1 <= size <= PAGE_SIZE_MAX:
        raise invalid(f"size must be 1 to {PAGE_SIZE_MAX}")
    wanted = _filters(body.get("filters"))
    found = [
        a.sp_no
        for a in sorted(world.approvals.applications.values(), key=lambda a: a.apply_time)
        if start <= a.apply_time <= end and _matches(world.settings, a, wanted)
    ]
    answer: dict[str, Any] = {"sp_no_list": found[offset : offset + size]}
    if offset + size < len(found):
        answer["new_next_cursor"] = base64.b64encode(f"o{offset + size}".encode()).decode()
        if "new_cursor" not in body:
            answer["next_cursor"] = offset + size
    return answer


def find(world: World, sp_no: Any) -> Application:
    application = world.approvals.find(str(sp_no or ""))
    if application is None:
        raise invalid(f"sp_no {sp_no!r} does not exist")
    return application


def _template(settings: SimSettings, template_id: Any) -> None:
    if template_id != settings.template_id:
        raise invalid(f"template_id {template_id!r} is invalid (参数错误，请求template_id非法)")


def _flow(settings: SimSettings, body: dict[str, Any]) -> tuple[list[Node], list[Person]]:
    """The approver nodes and the cc'd people: the template's (use_template_approver 1)
    or `process.node_list`'s (0, the default)."""
    if body.get("use_template_approver") == 1:
        approvers = _people(settings, list(settings.approvers))
        return [Node(COUNTERSIGN, [Branch(p) for p in approvers])], []
    process = body.get("process")
    node_list = process.get("node_list") if isinstance(process, dict) else None
    if not isinstance(node_list, list) or not node_list:
        raise invalid("process.node_list is required when use_template_approver is 0")
    nodes: list[Node] = []
    notifyer: list[Person] = []
    for item in node_list:
        if not isinstance(item, dict) or item.get("type") not in (1, 2, 3):
            raise invalid("process.node_list[].type must be 1, 2 or 3")
        people = _people(settings, item.get("userid"))
        if item["type"] == 2:
            notifyer += people
        elif item.get("apv_rel") in (1, 2, 3):
            nodes.append(Node(int(item["apv_rel"]), [Branch(p) for p in people]))
        else:
            raise invalid("process.node_list[].apv_rel must be 1, 2 or 3")
    if not nodes:
        raise invalid("process.node_list has no approver node")
    return nodes, notifyer


def _people(settings: SimSettings, userids: Any) -> list[Person]:
    if not isinstance(userids, list) or not userids:
        raise invalid("process.node_list[].userid must be a non-empty array")
    found = [settings.person(str(u)) for u in userids]
    missing = [str(u) for u, p in zip(userids, found, strict=True) if p is None]
    if missing:
        raise invalid(f"userid {', '.join(missing)} not found")
    return [p for p in found if p is not None]


def _summary(summary_list: Any) -> list[str]:
    """The summary lines: 1 to 3, each ≤ 20 characters, lang zh_CN or en."""
    if not isinstance(summary_list, list) or not 1 <= len(summary_list) <= 3:
        raise invalid("summary_list must have 1 to 3 lines")
    lines = []
    for line in summary_list:
        info = line.get("summary_info") if isinstance(line, dict) else None
        if not isinstance(info, list) or not info or not isinstance(info[0], dict):
            raise invalid("summary_list[].summary_info must be a non-empty array")
        text, lang = info[0].get("text"), info[0].get("lang")
        if not isinstance(text, str) or len(text) > 20 or lang not in ("zh_CN", "en"):
            raise invalid("summary_info text must be ≤ 20 characters with lang zh_CN or en")
        lines.append(text)
    return lines


def _filters(raw: Any) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for item in raw or []:
        if not isinstance(item, dict) or item.get("key") not in FILTER_KEYS:
            raise invalid(f"filters[].key must be one of {', '.join(FILTER_KEYS)}")
        wanted.setdefault(str(item["key"]), set()).add(str(item.get("value", "")))
    return wanted


def _matches(settings: SimSettings, app: Application, wanted: dict[str, set[str]]) -> bool:
    facts = {
        "template_id": settings.template_id,
        "creator": app.applyer.userid,
        "department": app.applyer.partyid,
        "sp_status": str(app.sp_status),
    }
    return all(facts.get(key) in values for key, values in wanted.items() if key in facts)


def _offset(body: dict[str, Any]) -> int:
    cursor = body.get("new_cursor")
    if cursor:
        decoded = base64.b64decode(str(cursor).encode()).decode()
        if not decoded.startswith("o"):
            raise ValueError(cursor)
        return int(decoded[1:])
    return int(body.get("cursor") or 0)


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise invalid("the body is not JSON") from None
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    return body
