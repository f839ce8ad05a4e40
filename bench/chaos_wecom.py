"""WeCom's approvals in a chaos run, played on its simulator (see chaos.py).

A person fills the release template in the simulated WeCom, the project and application
picked by the keys ReleaseGate's picker pages hand out (`project:chaos`,
`application:chaos/app-NN`); lisi and wangwu approve on the one 会签 node. Ends, in
WeCom's words: approved by both (sp_status 2), refused by the last (3), revoked by the
applicant before the end (撤销, 4), approved then revoked (通过后撤销, 6: the release asks
for a time half an hour ahead, so it waits SCHEDULED and the revocation must cancel it;
half at once, half once ReleaseGate shows it SCHEDULED, as DingTalk's), deleted by an
admin (7, nothing called back) or left pending.

Way in: the callback (`POST /wecom/events`, encrypted XML). WeCom says its callbacks are
not 100 % delivered: the simulator drops `DROP` of them (the reconcile, every minute in
this run, must find those approvals), calls some back twice (`DUPLICATE`), and the script
has it call back again later, out of order. Forgeries go to the same URL: a wrong
signature, sealed for another corp id, sealed with another EncodingAESKey, or signed
properly with a stale timestamp. Each must be answered 403 and stored nowhere; their
CreateTime is `FORGED_CREATE_TIME`, which names them in the inbox's delivery ids.

Faults (`WeComFaults`): every access token expired at a third and two thirds of the
drive and as it ends, and every 25 steps the next few token-carrying calls answered 系统
繁忙 (-1), an invalid token (40014) or a frequency limit (45009, whose block lasts a
minute).
"""

from __future__ import annotations

import random
import re
import secrets
import time
from datetime import datetime
from typing import Any

import httpx
from chaos_approvals import FORM_ZONE, PROJECT, Planned

from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.crypto import encrypt, signature

WAYS = ("callback",)
# Of every 20 approvals: 10 approved, 2 refused, 2 revoked before the end, 2 revoked after
# approval, 2 deleted, 2 left pending.
ENDS = (
    ("approve",) * 10
    + ("refuse",) * 2
    + ("withdraw",) * 2
    + ("revoke",) * 2
    + ("delete",) * 2
    + ("pending",) * 2
)
ORIGINATOR, FIRST, LAST = "zhangsan", "lisi", "wangwu"
DROP, DUPLICATE = 0.2, 0.2
FORGERIES = ("bad_signature", "other_corp_id", "other_aes_key", "stale_timestamp")
FORGED_CREATE_TIME = "1000000000"
# In turn, every 25 steps: the next 1 to N token-carrying calls fail. One 45009 at a time:
# its block lasts the minute.
API_FAULTS = (("server_error", 4), ("invalid_token", 3), ("rate_limited", 1))
APPROVED, REVOKED_AFTER_APPROVAL = 2, 6


class WeComPlan:
    ways: tuple[str, ...] = WAYS
    ends: tuple[str, ...] = ENDS


def approved(application: dict[str, Any]) -> bool:
    """In WeCom's words: sp_status 2 (通过); 6 is approved and taken back."""
    return application.get("sp_status") == APPROVED


def form(approval: Planned) -> dict[str, Any]:
    """The template as the applicant fills it: the pickers' keys, the rest by text."""
    values: dict[str, Any] = {
        "项目名称": {"key": f"project:{PROJECT}", "value": PROJECT},
        "应用名称": {"key": f"application:{approval.job}", "value": approval.job},
        "发布类型": approval.parameters["RELEASE_TYPE"],
        "是否有数据库变更": "否",
        "分支或标签": approval.parameters["BRANCH"],
        "环境": approval.parameters["ENV"],
    }
    if approval.release_time:
        moment = datetime.fromisoformat(approval.release_time).replace(tzinfo=FORM_ZONE)
        values["发布时间"] = moment.isoformat()
    return values


class WeComPlayer:
    """Plays WeCom's approvals on its simulator (chaos_approvals.Player)."""

    def __init__(self, wecom: WeComControl, server_url: str, rng: random.Random) -> None:
        self.wecom, self.server_url, self.rng = wecom, server_url, rng
        self._http = httpx.Client(timeout=10)

    def close(self) -> None:
        self._http.close()

    def instances(self) -> dict[str, dict[str, Any]]:
        return {str(found["sp_no"]): found for found in self.wecom.applications()}

    def advance(self, approval: Planned) -> None:
        step, sp_no = approval.steps_done, approval.instance_id
        if step == 0:
            approval.instance_id = self.wecom.submit(form(approval), ORIGINATOR)
        elif step == 1:
            self.wecom.approve(sp_no, FIRST, "同意")
        elif step == 3 or approval.end == "withdraw":
            self.wecom.revoke(sp_no)
        elif approval.end == "delete":
            self.wecom.delete(sp_no)
        elif approval.end == "refuse":
            self.wecom.refuse(sp_no, LAST, "本周不发")
        else:
            self.wecom.approve(sp_no, LAST, "同意发布")
        approval.steps_done += 1

    def revoke(self, approval: Planned) -> None:
        """通过后撤销 for an approval planned to be revoked later."""
        self.wecom.revoke(approval.instance_id)
        approval.steps_done += 1

    # -- deliveries again and forged ones ----------------------------------------------

    def deliver_again(self, approval: Planned) -> tuple[str, bool]:
        ids = [
            c["id"]
            for c in self.wecom.callbacks()
            if c["sp_no"] == approval.instance_id and not c["again"]
        ]
        if not ids:
            return "", False
        chosen = self.rng.choice(ids)
        self.wecom.redeliver(chosen)
        return "callback", chosen != ids[-1]

    def forge(self, approval: Planned) -> tuple[str, int]:
        """Claim the application was approved, without one of WeCom's secrets (or late)."""
        kind = self.rng.choice(FORGERIES)
        xml = self._forged_xml(approval)
        corp_id, key = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_CALLBACK_AES_KEY"]
        sealed_for = "ww0000000000forged" if kind == "other_corp_id" else corp_id
        if kind == "other_aes_key":
            key = secrets.token_urlsafe(32)[:43].replace("-", "A").replace("_", "B")
        sealed = encrypt(key, sealed_for, xml)
        timestamp = int(time.time()) - (3600 if kind == "stale_timestamp" else 0)
        nonce = str(secrets.randbelow(10**10))
        token = DEMO_WECOM["WECOM_CALLBACK_TOKEN"]
        query = {
            "msg_signature": signature(token, str(timestamp), nonce, sealed),
            "timestamp": str(timestamp),
            "nonce": nonce,
        }
        if kind == "bad_signature":
            query["msg_signature"] = "0" * 40
        body = (
            f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{sealed}]]></Encrypt>"
            f"<AgentID><![CDATA[{DEMO_WECOM['WECOM_AGENT_ID']}]]></AgentID></xml>"
        )
        answer = self._http.post(
            self.server_url + "wecom/events",
            params=query,
            content=body.encode(),
            headers={"Content-Type": "text/xml"},
        )
        return kind, answer.status_code

    def _forged_xml(self, approval: Planned) -> str:
        """One of the application's real callbacks, turned into its approval."""
        real = [c["xml"] for c in self.wecom.callbacks() if c["sp_no"] == approval.instance_id]
        xml = real[-1] if real else _MINIMAL.format(sp_no=approval.instance_id)
        xml = re.sub(
            r"<CreateTime>\d+</CreateTime>", f"<CreateTime>{FORGED_CREATE_TIME}</CreateTime>", xml
        )
        xml = re.sub(r"<SpStatus>\d+</SpStatus>", f"<SpStatus>{APPROVED}</SpStatus>", xml)
        return re.sub(
            r"<StatuChangeEvent>\d+</StatuChangeEvent>",
            f"<StatuChangeEvent>{APPROVED}</StatuChangeEvent>",
            xml,
        )


_MINIMAL = (
    "<xml><ToUserName><![CDATA[corp]]></ToUserName><CreateTime>0</CreateTime>"
    "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[sys_approval_change]]></Event>"
    "<ApprovalInfo><SpNo>{sp_no}</SpNo><SpStatus>1</SpStatus>"
    "<StatuChangeEvent>1</StatuChangeEvent></ApprovalInfo></xml>"
)


class WeComFaults:
    """WeCom's misbehaviour between steps, counted in `injected`."""

    def __init__(self, wecom: WeComControl, rng: random.Random) -> None:
        self.wecom, self.rng = wecom, rng
        self.injected: dict[str, int] = {}

    def start(self) -> None:
        self.wecom.set_chances(drop=DROP, duplicate=DUPLICATE)

    def tick(self, step: int, total: int) -> None:
        """Every 25 steps (between DingTalk's and Feishu's) the next few calls fail
        (`API_FAULTS`); at a third and two thirds of the run every token expires."""
        if step % 25 == 6:
            fault, most = API_FAULTS[(step // 25) % len(API_FAULTS)]
            self.wecom.set_faults(**{fault: self.rng.randint(1, most)})
        if step in (total // 3, 2 * total // 3):
            self._expire_tokens()

    def drive_ended(self) -> None:
        """Every token expires once more: most calls to WeCom's API come after the drive.
        Nothing is dropped any more: what was dropped, the reconcile must find."""
        self._expire_tokens()

    def _expire_tokens(self) -> None:
        self.wecom.expire_tokens()
        self.injected["wecom_token_expired"] = self.injected.get("wecom_token_expired", 0) + 1

    def summary(self) -> dict[str, int]:
        """What WeCom's API and its callbacks went through, from the simulator's records."""
        calls = self.wecom.requests()
        callbacks = self.wecom.callbacks()
        return {
            **self.injected,
            "wecom_rate_limited_calls": sum(call["fault"] == "rate_limited" for call in calls),
            "wecom_server_error_calls": sum(call["fault"] == "server_error" for call in calls),
            "wecom_token_refused_calls": sum(call["errcode"] in (40014, 42001) for call in calls),
            "wecom_callbacks": len(callbacks),
            "wecom_callbacks_dropped": sum(c["state"] == "dropped" for c in callbacks),
            "wecom_callbacks_failed": sum(c["state"] == "failed" for c in callbacks),
        }
