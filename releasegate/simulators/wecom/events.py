"""The `sys_approval_change` callback's XML (审批申请状态变化回调通知, reference §B3), as
the app's server decrypts it: the application's status, its SpRecord per approver node
(ApproverAttr 1 或签 / 2 会签), ProcessList (ApvRel 1 会签 / 2 或签 / 3 依次), Notifyer,
Comments and the StatuChangeEvent that caused it. `SpNoStr` is the number to use;
`SpNo` the same, "不推荐". There is no event id: receivers dedupe on SpNoStr,
StatuChangeEvent and CreateTime."""

from __future__ import annotations

from releasegate.simulators.wecom.approvals.applications import Application, Node
from releasegate.simulators.wecom.approvals.detail import approver_attr
from releasegate.simulators.wecom.settings import SimSettings


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def approval_change(
    settings: SimSettings, application: Application, change: int, create_time: int
) -> str:
    a = application
    info = (
        f"<SpNoStr>{cdata(a.sp_no)}</SpNoStr><SpNo>{a.sp_no}</SpNo>"
        f"<SpName>{cdata(settings.template_name)}</SpName><SpStatus>{a.sp_status}</SpStatus>"
        f"<TemplateId>{cdata(settings.template_id)}</TemplateId>"
        f"<ApplyTime>{a.apply_time}</ApplyTime>"
        f"<Applyer><UserId>{cdata(a.applyer.userid)}</UserId>"
        f"<Party>{cdata(a.applyer.partyid)}</Party></Applyer>"
        + "".join(_record(node) for node in a.nodes)
        + "".join(f"<Notifyer><UserId>{cdata(p.userid)}</UserId></Notifyer>" for p in a.notifyer)
        + "".join(
            f"<Comments><CommentUserInfo><UserId>{cdata(c.person.userid)}</UserId>"
            f"</CommentUserInfo><CommentTime>{c.time}</CommentTime>"
            f"<CommentContent>{cdata(c.content)}</CommentContent>"
            f"<CommentId>{cdata(c.id)}</CommentId></Comments>"
            for c in a.comments
        )
        + "<ProcessList>"
        + "".join(_process_node(node) for node in a.nodes)
        + f"</ProcessList><StatuChangeEvent>{change}</StatuChangeEvent>"
    )
    return (
        f"<xml><ToUserName>{cdata(settings.corp_id)}</ToUserName>"
        f"<FromUserName>{cdata('sys')}</FromUserName><CreateTime>{create_time}</CreateTime>"
        f"<MsgType>{cdata('event')}</MsgType><Event>{cdata('sys_approval_change')}</Event>"
        f"<AgentID>{settings.agent_id}</AgentID><ApprovalInfo>{info}</ApprovalInfo></xml>"
    )


def _record(node: Node) -> str:
    details = "".join(
        f"<Details><Approver><UserId>{cdata(b.person.userid)}</UserId></Approver>"
        f"<Speech>{cdata(b.speech)}</Speech><SpStatus>{b.sp_status}</SpStatus>"
        f"<SpTime>{b.sptime}</SpTime></Details>"
        for b in node.branches
    )
    return (
        f"<SpRecord><SpStatus>{node.sp_status}</SpStatus>"
        f"<ApproverAttr>{approver_attr(node)}</ApproverAttr>{details}</SpRecord>"
    )


def _process_node(node: Node) -> str:
    subs = "".join(
        f"<SubNodeList><UserInfo><UserId>{cdata(b.person.userid)}</UserId></UserInfo>"
        f"<Speech>{cdata(b.speech)}</Speech><SpYj>{b.sp_status}</SpYj>"
        f"<Sptime>{b.sptime}</Sptime></SubNodeList>"
        for b in node.branches
    )
    return (
        f"<NodeList><NodeType>1</NodeType><SpStatus>{node.sp_status}</SpStatus>"
        f"<ApvRel>{node.apv_rel}</ApvRel>{subs}</NodeList>"
    )
