"""An application as `oa/getapprovaldetail` returns it (获取审批申请详情): `info` with
sp_record (approverattr 1 或签 / 2 会签), process_list (apv_rel 1 会签 / 2 或签 / 3 依次),
apply_data with every control of the template, notifyer and comments. Times are Unix
seconds, 0 when not yet."""

from __future__ import annotations

from typing import Any

from releasegate.simulators.wecom.approvals.applications import ANY_ONE, Application, Node
from releasegate.simulators.wecom.approvals.template import exported_contents
from releasegate.simulators.wecom.settings import SimSettings


def approver_attr(node: Node) -> int:
    """sp_record's numbering: 1 或签, 2 会签; 依次 shows as 会签 (UNCONFIRMED)."""
    return 1 if node.apv_rel == ANY_ONE else 2


def detail(settings: SimSettings, application: Application) -> dict[str, Any]:
    return {
        "sp_no": application.sp_no,
        "sp_name": settings.template_name,
        "sp_status": application.sp_status,
        "template_id": settings.template_id,
        "apply_time": application.apply_time,
        "applyer": {"userid": application.applyer.userid, "partyid": application.applyer.partyid},
        "sp_record": [_record(node) for node in application.nodes],
        "notifyer": [{"userid": p.userid} for p in application.notifyer],
        "apply_data": {"contents": exported_contents(application.contents, settings)},
        "comments": [
            {
                "commentUserInfo": {"userid": c.person.userid},
                "commenttime": c.time,
                "commentcontent": c.content,
                "commentid": c.id,
                "media_id": [],
            }
            for c in application.comments
        ],
        "process_list": {"node_list": [_process_node(node) for node in application.nodes]},
    }


def _record(node: Node) -> dict[str, Any]:
    return {
        "sp_status": node.sp_status,
        "approverattr": approver_attr(node),
        "details": [
            {
                "approver": {"userid": b.person.userid},
                "speech": b.speech,
                "sp_status": b.sp_status,
                "sptime": b.sptime,
                "media_id": [],
            }
            for b in node.branches
        ],
    }


def _process_node(node: Node) -> dict[str, Any]:
    return {
        "node_type": 1,
        "sp_status": node.sp_status,
        "apv_rel": node.apv_rel,
        "sub_node_list": [
            {
                "userid": b.person.userid,
                "speech": b.speech,
                "sp_yj": b.sp_status,
                "sptime": b.sptime,
                "media_ids": [],
            }
            for b in node.branches
        ],
    }
