"""What bench/load.py sends, endpoint by endpoint: prebuilt, varied, valid requests.

The connector bodies come from the catalog as the server itself offers it (the option
actions are asked once, over HTTP, before the measurement), so they are what a DingTalk
form would send: the applications of every project in turn, the parameters and the
submit-time check of sampled applications with values their job accepts. Each is signed
with the API Secret as DingTalk's connector platform signs it. Event pushes are
`bpms_instance_change` events for our form, encrypted and signed as DingTalk's HTTP push
does, each with its own event and instance id.

Signatures carry the time they were made and the server accepts five minutes either
way, so each endpoint's requests are built just before it is measured.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx

from releasegate.integrations.dingtalk.crypto import EventCrypto, api_secret_signature
from releasegate.integrations.feishu.crypto import encrypt as feishu_encrypt
from releasegate.integrations.feishu.crypto import signature as feishu_signature

CONNECTOR = "/dingtalk/connector/"
EVENTS = "/dingtalk/events"
BARE = "/bench/constant"
# The connector endpoints the approval form calls while it is being filled and submitted.
CONNECTOR_ENDPOINTS = ("projects", "applications", "parameters", "validate")
# Feishu's external options, which its form calls while it is being filled (3 s wait).
FEISHU_OPTIONS = "/feishu/options/"
FEISHU_ENDPOINTS = ("feishu-projects", "feishu-applications")
FEISHU_EVENTS = "/feishu/events"

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
