"""What a simulated WeCom (企业微信) is configured with: the corp and its self-built app
(企业自建应用) with its callback (接收事件服务器), a group robot, the people of the corp and
the release approval's template. `SimSettings.demo()` is the demo's corp, with the other
simulators' people."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# ReleaseGate's picker pages (reference section B2): an externally sourced Selector opens
# `<picker_url>/<picker>?selectorType=single&key=…` inside the WeCom client.
PROJECTS_PICKER = "projects"
APPLICATIONS_PICKER = "applications"


@dataclass(frozen=True)
class Person:
    """A member of the corp, by WeCom userid; `partyid` is the main department."""

    userid: str
    name: str
    partyid: str = "1"


@dataclass(frozen=True)
class Department:
    id: int
    name: str
    parentid: int = 1


@dataclass(frozen=True)
class Option:
    """A Selector option: `key` is what an application stores, `text` what people see."""

    key: str
    text: str


@dataclass(frozen=True)
class Control:
    """One control of the template, with WeCom's id (`<Type>-<13 digits>`). `picker` is
    set for a Selector whose source is 关联外部选项: the path of its picker page under
    the app's picker URL (`projects`, `applications`, `choices/<PARAM>`); its `options`
    are then empty and any key is accepted."""

    id: str
    control: str
    title: str
    require: bool = False
    options: tuple[Option, ...] = ()
    selector_type: str = "single"
    date_type: str = "day"
    picker: str = ""


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(key, text) for key, text in pairs)


DEMO_DEPARTMENTS = (
    Department(1, "演示公司", 0),
    Department(2, "研发部"),
    Department(3, "运维部"),
)
DEMO_PEOPLE = (
    Person("zhangsan", "张三", "2"),
    Person("lisi", "李四", "2"),
    Person("wangwu", "王五", "3"),
    Person("admin", "管理员", "1"),
)
_YES_NO = _options(("option-1592463391251", "是"), ("option-1592463391252", "否"))
# The titles of ReleaseGate's default form mapping; 发布类型's texts are the demo Jenkins'
# RELEASE_TYPE choices. Ids are WeCom-shaped and stable, so recorded payloads stay valid.
RELEASE_TEMPLATE = (
    Control("Selector-1592463391236", "Selector", "项目名称", True, picker=PROJECTS_PICKER),
    Control("Selector-1592463391237", "Selector", "应用名称", True, picker=APPLICATIONS_PICKER),
    Control(
        "Selector-1592463391238",
        "Selector",
        "发布类型",
        options=_options(("option-1592463391241", "全量"), ("option-1592463391242", "灰度")),
    ),
    Control("Date-1592463391239", "Date", "发布时间", date_type="hour"),
    Control("Selector-1592463391240", "Selector", "是否有数据库变更", options=_YES_NO),
    Control("Selector-1592463391243", "Selector", "数据库变更是否完成", options=_YES_NO),
    Control("Text-1592463398237", "Text", "分支或标签"),
    Control(
        "Selector-1592463391244",
        "Selector",
        "环境",
        options=_options(("option-1592463391245", "prod"), ("option-1592463391246", "staging")),
    ),
    Control("Textarea-1592463398238", "Textarea", "备注"),
    # ReleaseGate writes its own request id here: applyevent has no idempotency key, so
    # this is how it finds an application whose answer was lost.
    Control("Text-1592463398239", "Text", "发布请求编号"),
)

# Per-minute limits per corp and API (访问频率限制; the approval APIs say 600/min each);
# None: not limited.
DEFAULT_RATE_LIMITS: dict[str, int | None] = {
    "gettoken": None,
    "ticket.get": None,
    "get_jsapi_ticket": None,
    "oa.gettemplatedetail": 600,
    "oa.applyevent": 600,
    "oa.getapprovaldetail": 600,
    "oa.getapprovalinfo": 600,
    "message.send": 10_000,
}


@dataclass(frozen=True)
class SimSettings:
    corp_id: str
    corp_secret: str
    agent_id: int
    template_id: str
    callback_token: str
    encoding_aes_key: str
    template_name: str = "发布审批"
    # Where sys_approval_change callbacks go; None: 接收事件服务器 not set (nothing is sent).
    callback_url: str | None = None
    # ReleaseGate's picker pages' base URL (外部选项页面地址 without the per-control path);
    # None: the form page shows a plain key/text input for externally sourced Selectors.
    picker_url: str | None = None
    people: tuple[Person, ...] = DEMO_PEOPLE
    departments: tuple[Department, ...] = DEMO_DEPARTMENTS
    # The app's visible range (可见范围): these departments and all below them.
    visible_departments: tuple[int, ...] = (1,)
    template: tuple[Control, ...] = RELEASE_TEMPLATE
    # The template's one approval node: 会签 (all must approve) of these people.
    approvers: tuple[str, ...] = ("lisi", "wangwu")
    robot_key: str = "5f0a3c1e-7b2d-4e9a-8c6f-1d2e3f4a5b6c"
    # Seeds the jsapi tickets (企业 and 应用 agent_config) the simulator issues.
    ticket_secret: str = "releasegate-demo-jsapi-ticket-secret"
    rate_limits: dict[str, int | None] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    robot_per_minute: int = 20
    member_messages_per_minute: int = 30
    # Callback delivery (reference section B3): an answer within 5 s, 3 tries in all, the
    # later ones `retry_delays` simulator-clock seconds after a failure (UNCONFIRMED: the
    # doc only says it retries); "not 100%": `drop_probability` of an event is never sent.
    callback_timeout: float = 5.0
    retry_delays: tuple[float, ...] = (0.0, 0.0)
    drop_probability: float = 0.0
    duplicate_probability: float = 0.0

    @classmethod
    def demo(cls, **overrides: Any) -> SimSettings:
        settings = cls(
            corp_id="ww3ee0c4c1feb86824",
            corp_secret="ReleaseGateDemoWeComAppSecretForTheSimulator1",
            agent_id=1000002,
            template_id="3TmALk1ogfgKiQE3e3jRwnTUhMTh8vca1N8zUVNU",
            callback_token="ReleaseGateDemoToken",
            encoding_aes_key="i2EiYLwZHVDEIoMQY0Ue51GplcZzxZHiZevhuhn9d94",
        )
        return replace(settings, **overrides)

    def person(self, userid: str) -> Person | None:
        return next((p for p in self.people if p.userid == userid), None)

    def control(self, control_id: str) -> Control | None:
        return next((c for c in self.template if c.id == control_id), None)

    def control_titled(self, title: str) -> Control | None:
        return next((c for c in self.template if c.title == title), None)
