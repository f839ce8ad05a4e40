"""What a simulated DingTalk is configured with: the app, its event subscription, a group
robot, the organisation and the approval process. `SimSettings.demo()` is the demo's app;
`releasegate demo` configures ReleaseGate with the same values."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any, Literal

# The connector's 鉴权方式 the simulator can sign with (reference section 1.3).
ConnectorAuth = Literal["apisecret", "basic", "none"]
NodeMode = Literal["none", "sync", "async"]


@dataclass(frozen=True)
class OrgUser:
    user_id: str
    name: str
    dept_id: int
    title: str = ""
    email: str = ""


@dataclass(frozen=True)
class FormField:
    """One control of the approval form: its label (the `name` API callers use) and
    DingTalk's component type."""

    label: str
    component_type: str
    required: bool = False

    @property
    def id(self) -> str:
        # DingTalk's ids look like "TextField-J2BWEN12": the type and a stable suffix.
        digest = hashlib.sha1(self.label.encode(), usedforsecurity=False).hexdigest()
        return f"{self.component_type}-{digest[:8].upper()}"


ROOT_DEPT = -1
DEPARTMENTS = {ROOT_DEPT: "演示公司", 1: "演示公司", 2: "测试部", 3: "研发部", 4: "运维部"}
# Every department but the root (1) sits directly under it.
DEPARTMENT_PARENTS = {2: 1, 3: 1, 4: 1}
# The app's contact permissions (权限管理) the directory calls check (directory.py).
CONTACT_PERMISSIONS = ("qyapi_get_department_list", "qyapi_get_member")
DEMO_USERS = (
    OrgUser("zhangsan", "张三", 2, "测试工程师", "zhangsan@example.com"),
    OrgUser("lisi", "李四", 3, "研发经理", "lisi@example.com"),
    OrgUser("wangwu", "王五", 4, "运维经理"),
    OrgUser("admin", "管理员", 1, "管理员"),
)
# The labels of ReleaseGate's default form mapping (releasegate/config/options.py).
RELEASE_FORM = (
    FormField("项目名称", "DDSelectField", required=True),
    FormField("应用名称", "DDSelectField", required=True),
    FormField("发布类型", "DDSelectField"),
    FormField("发布时间", "DDDateField"),
    FormField("是否有数据库变更", "DDSelectField"),
    FormField("数据库变更是否完成", "DDSelectField"),
    FormField("分支或标签", "TextField"),
    FormField("环境", "DDSelectField"),
    FormField("备注", "TextareaField"),
)


@dataclass(frozen=True)
class SimSettings:
    app_key: str
    app_secret: str
    agent_id: int
    process_code: str
    event_token: str
    aes_key: str
    corp_id: str = "dingreleasegatedemocorp"
    # Where events are pushed; None: no HTTP push subscription (nothing is sent).
    event_url: str | None = None
    # ReleaseGate's base URL (the connector's domain): the form's connector actions and
    # the connector node call `<url>dingtalk/connector/<action>` (forms/form.py,
    # forms/connector_node.py). None: no connector, so no dynamic options and no node.
    connector_url: str | None = None
    # API Secret: the secret; Basic Auth: "user:password" (docs/dingtalk-setup.md).
    connector_secret: str = ""
    connector_auth: ConnectorAuth = "apisecret"
    # The 系统集成/连接器 node after the last approver: "none" (the app relies on event
    # push or Stream), "sync" (the flow waits for it) or "async" (reference section 1.1).
    connector_node: NodeMode = "async"
    # The platform's timeout is not documented (UNCONFIRMED); Feishu's equivalent is 3 s.
    connector_timeout: float = 3.0
    # The asynchronous node "将进行三次重试" (reference section 1.1); the intervals are not
    # documented (UNCONFIRMED): ours grow, in sim-clock seconds so tests move the clock.
    connector_retry_delays: tuple[float, ...] = (10.0, 30.0, 90.0)
    robot_token: str = "releasegate-demo-robot-token"
    robot_secret: str = "SECreleasegate-demo-robot-secret"
    # Custom keywords (a robot security option); empty: not checked.
    robot_keywords: tuple[str, ...] = ()
    users: tuple[OrgUser, ...] = DEMO_USERS
    # The contact permissions the app was granted; take one away to see the refusal.
    contact_permissions: tuple[str, ...] = CONTACT_PERMISSIONS
    process_name: str = "发布审批"
    # Card templates built and published in DingTalk's card platform (卡片平台); an id
    # not listed here is answered `param.templateNotExist`.
    card_templates: tuple[str, ...] = ("releasegate-approval.schema",)
    form: tuple[FormField, ...] = RELEASE_FORM
    # The flow configured in DingTalk's designer: sequential steps of one approver each.
    approvers: tuple[str, ...] = ("lisi", "wangwu")
    # Event push: retry 10 s after a failure, then 30 s after that; the event shows in
    # the failed list 3-5 minutes later (reference section 3.3). Sim-clock seconds.
    retry_delays: tuple[float, ...] = (10.0, 30.0)
    failed_list_delay: float = 180.0
    # DingTalk wants the encrypted "success" within 2500 ms.
    push_timeout: float = 2.5
    # Which channels deliver events: an app chooses HTTP push or Stream in the developer
    # console (reference section 3.1); the simulator can run either or both.
    http_push: bool = True
    stream_push: bool = True
    # Stream mode (reference section 3.4), sim-clock seconds. The ticket from
    # connections/open is single-use and valid 90 s; after a `disconnect` frame the server
    # closes the socket 10 s later. How long the gateway waits for an ACK, when it
    # redelivers after LATER and how often it pings are not documented (UNCONFIRMED);
    # tests scale them. A missing ACK is redelivered as soon as the wait is over.
    stream_ticket_ttl: float = 90.0
    stream_ack_timeout: float = 10.0
    stream_retry_delay: float = 10.0
    stream_ping_interval: float | None = 30.0
    stream_disconnect_grace: float = 10.0

    @classmethod
    def demo(cls, **overrides: Any) -> SimSettings:
        settings = cls(
            app_key="dingdemoappkey",
            app_secret="demo-app-secret",
            agent_id=41605932,
            process_code="PROC-RELEASEGATE-DEMO",
            event_token="releasegatedemo",
            aes_key="ReleaseGateDemo0EncodingAESKey0123456789abc",
            connector_secret="demo-connector-secret",
        )
        return replace(settings, **overrides)

    def user(self, user_id: str) -> OrgUser | None:
        return next((user for user in self.users if user.user_id == user_id), None)
