"""What a simulated Feishu is configured with: the self-built app (企业自建应用), its event
subscription, a custom group bot, the people of the tenant and the release approval's
definition. `SimSettings.demo()` is the demo's app, with the DingTalk simulator's people."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

# ReleaseGate's external-options actions (reference section A1): the 项目名称 widget asks
# `<options_url>/projects`, the 应用名称 widget `<options_url>/applications`, the latter
# with `linkage_params: {"project": <the chosen project option id>}`.
PROJECTS_SOURCE = "projects"
APPLICATIONS_SOURCE = "applications"


@dataclass(frozen=True)
class Person:
    """A member of the tenant: `open_id` is per app (`ou_…`), `user_id` per tenant."""

    user_id: str
    open_id: str
    name: str
    # The open_department_id of their department ("0": the root) and their e-mail.
    department: str = "0"
    email: str = ""


@dataclass(frozen=True)
class Department:
    open_department_id: str
    name: str
    parent: str = "0"


@dataclass(frozen=True)
class Option:
    """A radioV2 option: `key` is what an instance stores, `text` what people see."""

    key: str
    text: str


@dataclass(frozen=True)
class Widget:
    """One widget of the approval form. `id` is Feishu's, `custom_id` the one the admin
    set in devMode; `source` names the external-options action when the widget's options
    come from ReleaseGate (then `options` are only the fallback when no URL is set)."""

    id: str
    custom_id: str
    name: str
    type: str
    required: bool = False
    options: tuple[Option, ...] = ()
    source: str = ""


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(key, text) for key, text in pairs)


DEMO_DEPARTMENTS = (
    Department("od-4e6ac4d14bfd8ee7b1b7b2e1e4d3c2a1", "测试部"),
    Department("od-5f7bd5e25c0e9ff8c2c8c3f2f5e4d3b2", "研发部"),
    Department("od-6a8ce6f36d1f0aa9d3d9d4a3a6f5e4c3", "运维部"),
)
# The scopes the app was granted (开通的权限) that the directory calls check.
CONTACT_SCOPES = ("contact:department.base:readonly", "contact:user.base:readonly")
DEMO_PEOPLE = (
    Person(
        "zhangsan",
        "ou_7d8a6e6df7621556ce0d21922b676706",
        "张三",
        DEMO_DEPARTMENTS[0].open_department_id,
        "zhangsan@example.com",
    ),
    Person(
        "lisi",
        "ou_2b5c8a41e9f04d3c9a7e6b1d0f3c5a28",
        "李四",
        DEMO_DEPARTMENTS[1].open_department_id,
        "lisi@example.com",
    ),
    Person(
        "wangwu",
        "ou_9f1e3d5c7b9a4e2d8c6b0a1f3e5d7c91",
        "王五",
        DEMO_DEPARTMENTS[2].open_department_id,
    ),
    Person("admin", "ou_0a1b2c3d4e5f60718293a4b5c6d7e8f9", "管理员"),
)
_YES_NO = _options(("yes", "是"), ("no", "否"))
# The labels of ReleaseGate's default form mapping, as in the DingTalk simulator's form.
# Static options show the demo Jenkins' choices, which ReleaseGate passes on as parameters.
# Ids are Feishu-shaped ("widget" + digits) and stable, so recorded payloads stay valid.
RELEASE_FORM = (
    Widget(
        "widget17335000000010001",
        "project",
        "项目名称",
        "radioV2",
        required=True,
        options=_options(("mall", "mall")),
        source=PROJECTS_SOURCE,
    ),
    Widget(
        "widget17335000000010002",
        "application",
        "应用名称",
        "radioV2",
        required=True,
        options=_options(("order-service", "order-service")),
        source=APPLICATIONS_SOURCE,
    ),
    Widget(
        "widget17335000000010003",
        "release_type",
        "发布类型",
        "radioV2",
        options=_options(("full", "全量"), ("canary", "灰度")),
    ),
    Widget("widget17335000000010004", "release_time", "发布时间", "date"),
    Widget("widget17335000000010005", "db_change", "是否有数据库变更", "radioV2", options=_YES_NO),
    Widget(
        "widget17335000000010006",
        "db_change_done",
        "数据库变更是否完成",
        "radioV2",
        options=_YES_NO,
    ),
    Widget("widget17335000000010007", "ref", "分支或标签", "input"),
    Widget(
        "widget17335000000010008",
        "environment",
        "环境",
        "radioV2",
        options=_options(("prod", "prod"), ("staging", "staging")),
    ),
    Widget("widget17335000000010009", "remark", "备注", "textarea"),
)

# Rate limits per API, from the reference (section A5, A4): (per minute, per second);
# None: that window is not limited.
RateLimit = tuple[int | None, int | None]
DEFAULT_RATE_LIMITS: dict[str, RateLimit] = {
    "tenant_access_token": (None, None),
    "approval.get": (100, None),
    "approval.subscribe": (100, None),
    "instance.create": (100, None),
    "instance.get": (1000, 50),
    "instance.list": (100, None),
    "instance.cancel": (100, None),
    "task.approve": (100, None),
    "task.reject": (100, None),
    "message.create": (1000, 50),
}


# How events reach the app (the console's 订阅方式): pushed to `event_url`, over the long
# connection the app opens (长连接), or not at all.
EventDelivery = Literal["webhook", "long_connection", "off"]
EVENT_DELIVERIES: tuple[EventDelivery, ...] = ("webhook", "long_connection", "off")


@dataclass(frozen=True)
class SimSettings:
    app_id: str
    app_secret: str
    approval_code: str
    verification_token: str
    encrypt_key: str
    tenant_key: str = "736588c9260f175d"
    approval_name: str = "发布审批"
    # Where events are pushed; None: no event subscription (nothing is sent).
    event_url: str | None = None
    # ReleaseGate's external-options base URL (reference section A1); None: the form's
    # radios keep their fixed options. `options_token` travels in each request body;
    # `options_key`, if set, means the answer's `data.result` is encrypted.
    options_url: str | None = None
    options_token: str = ""
    options_key: str = ""
    options_timeout: float = 3.0
    people: tuple[Person, ...] = DEMO_PEOPLE
    departments: tuple[Department, ...] = DEMO_DEPARTMENTS
    # The contact scopes the app was granted; take one away to see the refusal.
    contact_scopes: tuple[str, ...] = CONTACT_SCOPES
    form: tuple[Widget, ...] = RELEASE_FORM
    # The definition's one approval node: 会签 (AND) of these people.
    approvers: tuple[str, ...] = ("lisi", "wangwu")
    bot_token: str = "releasegate-demo-bot-hook"
    bot_secret: str = "releasegate-demo-bot-secret"
    rate_limits: dict[str, RateLimit] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    # Event delivery (reference section A3): an answer within 3 s, then retries 15 s,
    # 5 min, 1 h and 6 h later, each multiplied by `push_time_factor` (tests use a tiny one).
    push_timeout: float = 3.0
    retry_delays: tuple[float, ...] = (15.0, 300.0, 3600.0, 21600.0)
    push_time_factor: float = 1.0
    # "至少发送一次": the chance that an acknowledged event is sent once more.
    duplicate_probability: float = 0.0
    event_delivery: EventDelivery = "webhook"
    # The long connection (reference section A3): the ClientConfig that the endpoint and
    # every pong carry (Feishu's defaults, seconds), at most `ws_connection_limit`
    # connections per app, and events longer than `ws_part_size` bytes sent in parts
    # (Feishu's part size is UNCONFIRMED). An ACK is due within `push_timeout`.
    ws_ping_interval: int = 120
    ws_reconnect_interval: int = 120
    ws_reconnect_nonce: int = 30
    ws_reconnect_count: int = -1
    ws_connection_limit: int = 50
    ws_part_size: int = 32 * 1024

    @classmethod
    def demo(cls, **overrides: Any) -> SimSettings:
        settings = cls(
            app_id="cli_a1b2c3d4e5f6a7b8",
            app_secret="ReleaseGateDemoFeishuAppSecret01",
            approval_code="7C468A54-8745-2245-9675-08B7C63E7A85",
            verification_token="releasegate-demo-verification-token",
            encrypt_key="releasegate-demo-encrypt-key",
            options_token="releasegate-demo-options-token",
        )
        return replace(settings, **overrides)

    def person(self, user_id: str) -> Person | None:
        return next((p for p in self.people if p.user_id == user_id), None)

    def person_by(self, id_type: str, value: str) -> Person | None:
        """The person whose `id_type` ("user_id" or "open_id") is `value`."""
        if id_type == "open_id":
            return next((p for p in self.people if p.open_id == value), None)
        if id_type == "user_id":
            return self.person(value)
        return None

    def widget(self, id_or_custom_id: str) -> Widget | None:
        return next(
            (w for w in self.form if id_or_custom_id in (w.id, w.custom_id) and id_or_custom_id),
            None,
        )
