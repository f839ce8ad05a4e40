"""What bench/load.py sends, endpoint by endpoint: prebuilt, varied, valid requests.

The connector bodies come from the catalog as the server itself offers it (the option
actions are asked once, over HTTP, before the measurement), so they are what a DingTalk
form would send: the applications of every project in turn, the parameters and the
submit-time check of sampled applications with values their job accepts. Each is signed
with the API Secret as DingTalk's connector platform signs it. Event pushes are
`bpms_instance_change` events for our form, encrypted and signed as DingTalk's HTTP push
does, each with its own event and instance id. WeCom's picker page is GET as WeCom's client
opens it; its callbacks are `sys_approval_change` XML sealed and signed as WeCom's
WXBizMsgCrypt does, each a distinct application.

Signatures carry the time they were made and the server accepts five minutes either
way, so each endpoint's requests are built just before it is measured.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from releasegate.integrations.dingtalk.crypto import EventCrypto, api_secret_signature
from releasegate.integrations.feishu.crypto import encrypt as feishu_encrypt
from releasegate.integrations.feishu.crypto import signature as feishu_signature
from releasegate.integrations.wecom.crypto import WeComCrypto

CONNECTOR = "/dingtalk/connector/"
EVENTS = "/dingtalk/events"
BARE = "/bench/constant"
# The connector endpoints the approval form calls while it is being filled and submitted.
CONNECTOR_ENDPOINTS = ("projects", "applications", "parameters", "validate")
# Feishu's external options, which its form calls while it is being filled (3 s wait).
FEISHU_OPTIONS = "/feishu/options/"
FEISHU_ENDPOINTS = ("feishu-projects", "feishu-applications")
FEISHU_EVENTS = "/feishu/events"
# WeCom's picker page for the application selector, which its client opens in the form.
WECOM_PICKER = "/wecom/picker/applications"
WECOM_ENDPOINTS = ("wecom-picker",)
WECOM_EVENTS = "/wecom/events"

Request = dict[str, Any]


@dataclass(frozen=True)
class Credentials:
    connector_secret: str
    event_token: str
    event_aes_key: str
    app_key: str
    process_code: str
    feishu_options_token: str = ""
    feishu_encrypt_key: str = ""
    feishu_verification_token: str = ""
    feishu_approval_code: str = ""
    wecom_corp_id: str = ""
    wecom_agent_id: str = ""
    wecom_template_id: str = ""
    wecom_callback_token: str = ""
    wecom_callback_aes_key: str = ""

    def signed(self) -> dict[str, str]:
        """The connector platform's API Secret headers, for now."""
        timestamp = str(int(time.time()))
        return {
            "x-ddpaas-signature-timestamp": timestamp,
            "x-ddpaas-signature": api_secret_signature(self.connector_secret, timestamp),
        }


@dataclass(frozen=True)
class Application:
    project: str
    full_name: str
    label: str
    parameters: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class CatalogSample:
    project_labels: tuple[str, ...]
    project_ids: tuple[str, ...]
    applications: tuple[Application, ...]
    jobs: int


def sample_catalog(port: int, credentials: Credentials, count: int) -> CatalogSample:
    """Every project, and `count` applications picked at random with their parameters,
    read through the connector actions of the server on `port`."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}{CONNECTOR}", timeout=30) as http:

        def ask(action: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = http.post(action, json=body, headers=credentials.signed())
            answer.raise_for_status()
            result: dict[str, Any] = answer.json()
            return result

        projects = ask("projects", {})
        listed: list[tuple[str, str, str]] = []
        for project_id, label in zip(projects["ids"], projects["values"], strict=True):
            apps = ask("applications", {"project": label})
            listed += [
                (project_id, *pair) for pair in zip(apps["ids"], apps["values"], strict=True)
            ]
        picked = random.Random(7).sample(listed, min(count, len(listed)))
        applications = tuple(
            Application(project, name, label, tuple(_parameters(ask, project, name)))
            for project, name, label in picked
        )
    return CatalogSample(
        tuple(projects["values"]), tuple(projects["ids"]), applications, len(listed)
    )


def _parameters(ask: Any, project: str, application: str) -> list[dict[str, Any]]:
    described: list[dict[str, Any]] = ask(
        "parameters", {"project": project, "application": application}
    )["parameters"]
    return described


def build(endpoint: str, sample: CatalogSample, credentials: Credentials, events: int) -> Request:
    """The request file bench/load_client.py reads for `endpoint`."""
    if endpoint == "bare":
        return {"requests": [{"method": "POST", "path": BARE, "body": "{}"}]}
    if endpoint == "events":
        return {"requests": _event_pushes(credentials, events)}
    if endpoint == "feishu-events":
        return {"requests": _feishu_events(credentials, events)}
    if endpoint in FEISHU_ENDPOINTS:
        return {"requests": _feishu_options(endpoint, sample, credentials)}
    if endpoint == "wecom-picker":
        # Every answer lists a project's applications: a problem page would flatter.
        return {"requests": _wecom_picker(sample), "refusal": 'data-testid="problem"'}
    if endpoint == "wecom-events":
        return {"requests": _wecom_callbacks(credentials, events)}
    headers = credentials.signed()
    bodies = _connector_bodies(endpoint, sample)
    requests = [
        {
            "method": "POST",
            "path": CONNECTOR + endpoint,
            "headers": headers,
            "body": json.dumps(body, ensure_ascii=False),
        }
        for body in bodies
    ]
    # Every body here is a good one: a check that fails would flatter the figures.
    return {"requests": requests, "refusal": '"valid":false' if endpoint == "validate" else ""}


def _connector_bodies(endpoint: str, sample: CatalogSample) -> list[dict[str, Any]]:
    if endpoint == "projects":
        return [{}]
    if endpoint == "applications":
        return [{"project": label} for label in sample.project_labels]
    if endpoint == "parameters":
        return [{"project": a.project, "application": a.full_name} for a in sample.applications]
    return [
        {
            "project": app.project,
            "application": app.label,
            "release_time": "",
            "db_change": "是",
            "db_change_done": "是",
            "parameters": {p["name"]: _valid_value(p) for p in app.parameters},
        }
        for app in sample.applications
    ]


def _valid_value(parameter: dict[str, Any]) -> str:
    choices = parameter["choices"]
    return str(choices[-1]) if choices else str(parameter["default"] or "bench")


def _event_pushes(credentials: Credentials, count: int) -> list[Request]:
    crypto = EventCrypto(credentials.event_token, credentials.event_aes_key, credentials.app_key)
    run = f"{time.time_ns():x}"
    timestamp = str(int(time.time() * 1000))
    pushes = []
    for serial in range(count):
        event = {
            "EventType": "bpms_instance_change",
            "eventId": f"load-{run}-{serial}",
            "processInstanceId": f"load-{run}-{serial}",
            "processCode": credentials.process_code,
            "corpId": "dingloadcorp",
            "type": "finish",
            "result": "agree",
            "staffId": "zhangsan",
            "createTime": int(timestamp),
            "finishTime": int(timestamp),
        }
        encrypt = crypto.encrypt(json.dumps(event, ensure_ascii=False))
        nonce = f"n{serial:07d}"
        query = f"msg_signature={crypto.signature(timestamp, nonce, encrypt)}"
        pushes.append(
            {
                "method": "POST",
                "path": f"{EVENTS}?{query}&timestamp={timestamp}&nonce={nonce}",
                "body": json.dumps({"encrypt": encrypt}),
            }
        )
    return pushes


def _feishu_options(
    endpoint: str, sample: CatalogSample, credentials: Credentials
) -> list[Request]:
    """Feishu's options calls as Feishu makes them: the token and the person in the body,
    the linked project's option id in `linkage_params`."""
    base: dict[str, Any] = {
        "token": credentials.feishu_options_token,
        "user_id": "ou_load",
        "locale": "zh_cn",
    }
    if endpoint == "feishu-projects":
        bodies = [base]
    else:
        bodies = [
            base | {"linkage_params": {"project": f"project:{key}"}} for key in sample.project_ids
        ]
    source = endpoint.removeprefix("feishu-")
    return [
        {"method": "POST", "path": FEISHU_OPTIONS + source, "body": json.dumps(body)}
        for body in bodies
    ]


def _feishu_events(credentials: Credentials, count: int) -> list[Request]:
    """v1 `approval_instance` events for our form, encrypted and signed as Feishu pushes
    them, each with its own uuid and instance code."""
    run = f"{time.time_ns():x}"
    timestamp = str(int(time.time()))
    key = credentials.feishu_encrypt_key
    pushes = []
    for serial in range(count):
        event = {
            "uuid": f"load-{run}-{serial}",
            "token": credentials.feishu_verification_token,
            "ts": timestamp,
            "type": "event_callback",
            "event": {
                "type": "approval_instance",
                "approval_code": credentials.feishu_approval_code,
                "instance_code": f"LOAD-{run}-{serial}",
                "status": "APPROVED",
                "operate_time": f"{timestamp}000",
            },
        }
        body = json.dumps({"encrypt": feishu_encrypt(key, json.dumps(event).encode())})
        nonce = f"n{serial:07d}"
        pushes.append(
            {
                "method": "POST",
                "path": FEISHU_EVENTS,
                "headers": {
                    "X-Lark-Request-Timestamp": timestamp,
                    "X-Lark-Request-Nonce": nonce,
                    "X-Lark-Signature": feishu_signature(timestamp, nonce, key, body.encode()),
                },
                "body": body,
            }
        )
    return pushes


def _wecom_picker(sample: CatalogSample) -> list[Request]:
    """The application picker as WeCom's client opens it (`selectorType`, an opaque
    `key`), for every project in turn: the page's own link after picking a project."""
    return [
        {
            "method": "GET",
            "path": WECOM_PICKER
            + "?"
            + urlencode({"selectorType": "single", "key": f"load{serial:05d}", "project": key}),
        }
        for serial, key in enumerate(sample.project_ids)
    ]


def _wecom_callbacks(credentials: Credentials, count: int) -> list[Request]:
    """`sys_approval_change` callbacks (an approval, 同意) for our template, sealed for our
    corp and signed as WeCom calls back, each for its own application."""
    crypto = WeComCrypto(
        credentials.wecom_callback_token,
        credentials.wecom_callback_aes_key,
        credentials.wecom_corp_id,
    )
    run = f"{time.time_ns() // 1000 % 10**12:012d}"
    timestamp = str(int(time.time()))
    corp, agent = credentials.wecom_corp_id, credentials.wecom_agent_id
    pushes = []
    for serial in range(count):
        encrypt = crypto.encrypt(_approval_change(credentials, f"{run}{serial:06d}", timestamp))
        nonce = f"n{serial:07d}"
        query = urlencode(
            {
                "msg_signature": crypto.signature(timestamp, nonce, encrypt),
                "timestamp": timestamp,
                "nonce": nonce,
            }
        )
        pushes.append(
            {
                "method": "POST",
                "path": f"{WECOM_EVENTS}?{query}",
                "content_type": "text/xml",
                "body": f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
                f"<AgentID><![CDATA[{agent}]]></AgentID></xml>",
            }
        )
    return pushes


def _approval_change(credentials: Credentials, sp_no: str, timestamp: str) -> str:
    """The decrypted callback (reference feishu-wecom.md §B3), trimmed to what is read."""
    return (
        f"<xml><ToUserName><![CDATA[{credentials.wecom_corp_id}]]></ToUserName>"
        "<FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[sys_approval_change]]></Event>"
        f"<AgentID>{credentials.wecom_agent_id}</AgentID><ApprovalInfo>"
        f"<SpNoStr><![CDATA[{sp_no}]]></SpNoStr><SpNo>{sp_no}</SpNo>"
        "<SpName><![CDATA[发布审批]]></SpName><SpStatus>2</SpStatus>"
        f"<TemplateId><![CDATA[{credentials.wecom_template_id}]]></TemplateId>"
        f"<ApplyTime>{timestamp}</ApplyTime>"
        "<Applyer><UserId><![CDATA[zhangsan]]></UserId><Party><![CDATA[2]]></Party></Applyer>"
        "<StatuChangeEvent>2</StatuChangeEvent></ApprovalInfo></xml>"
    )
