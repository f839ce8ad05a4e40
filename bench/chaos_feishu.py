"""Feishu's approvals in a chaos run, played on its simulator (see chaos.py).

A person fills the release form in the simulated Feishu, whose project and application
choices it asks of ReleaseGate's `/feishu/options` (the chaos catalog); lisi and wangwu
decide on the one AND node. Ends, in Feishu's words: approved by both, rejected by the
last, cancelled (撤回) by the originator after the first approval, or left pending.
The simulator does not play Feishu's revocation after approval (撤销), so none is
revoked; the verdict reads `reverted` all the same.

Ways in: the event subscription (`POST /feishu/events`, encrypted and signed) and the
long connection (`releasegate stream --platform feishu`, which chaos_services starts
beside DingTalk's `stream`), every other Feishu approval each. The simulator's delivery
mode is one switch for the whole app, not per approval, but Feishu decides how to send an
event when the event happens: `_use_way` flips the switch to the approval's way before
each of its steps (the driver makes one step at a time), so an instance's events all go
its way while the other way's retries and duplicates already queued go on. ReleaseGate
has one Feishu app, so a second simulator with its own app was not an option.
Feishu pushes an instance's events in order, retries a push that failed (15 s, 5 min,
1 h, 6 h, shortened by the simulator's `--push-time-factor`) and sends some acknowledged
events a second time (`DUPLICATES`); the script has it deliver webhook events again later,
out of order. The simulator cannot send a long-connection event again on request; there,
delivering again cuts the connection without a close frame (the stream reconnects and
whatever awaited its ACK is sent again), and the monkey SIGKILLs the `stream` now and
then (chaos_monkey.py). Forgeries go to the event URL: unsigned, with a wrong signature,
with a wrong Verification Token, or sealed with another Encrypt Key. Each must be
answered 401 and stored nowhere.

Faults (`FeishuFaults`): tenant tokens expired mid-drive and as it ends, the next few
API calls answered 503, with their token refused, or 429 (ReleaseGate waits out
`x-ogw-ratelimit-reset`, which the simulator sets to 60 s), and ReleaseGate's event URL
unreachable for a few steps, so pushes fail and Feishu's retries bring them in.
"""

from __future__ import annotations

import json
import random
import secrets
import socket
import time
import uuid
from typing import Any

import httpx
from chaos_approvals import PROJECT, SERVE_DOWN_AT_MOST_S, Planned

from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.simulators.feishu.control import FeishuControl, SimulatorRefused
from releasegate.simulators.feishu.crypto import encrypt, signature

WAYS = ("event", "long_connection")
# The simulator's delivery mode for each way in.
MODES = {"event": "webhook", "long_connection": "long_connection"}
# Of every 20 approvals: 12 approved, 3 rejected, 3 cancelled, 2 left pending.
ENDS = ("approve",) * 12 + ("reject",) * 3 + ("cancel",) * 3 + ("pending",) * 2
ORIGINATOR, FIRST, LAST = "zhangsan", "lisi", "wangwu"
# The chance that Feishu pushes an acknowledged event once more ("至少发送一次").
DUPLICATES = 0.2
FORGERIES = ("unsigned", "bad_signature", "wrong_token", "other_encrypt_key")
# In turn, every 25 steps: the next 1 to N calls with a tenant token fail with a 503, have
# their token refused (ReleaseGate fetches a new one) or are rate limited (429). One 429
# at a time: its caller waits the minute out, and a second 429 on its retry would make it
# two.
API_FAULTS = (("server_error", 6), ("invalid_token", 3), ("rate_limited", 1))
# How many steps ReleaseGate's event URL stays unreachable once in the run.
UNREACHABLE_STEPS = 10
# Feishu's code for a refused tenant token (expired or invalid).
TOKEN_REFUSED = 99991663


class FeishuPlan:
    ways: tuple[str, ...] = WAYS
    ends: tuple[str, ...] = ENDS


def approved(instance: dict[str, Any]) -> bool:
    """In Feishu's words: APPROVED, and not reverted (撤销) afterwards."""
    return instance.get("status") == "APPROVED" and not instance.get("reverted")


def form(approval: Planned) -> dict[str, str]:
    """The form as the originator fills it: the project and application by the option
    ids ReleaseGate's options gave the form, the rest by what people see."""
    return {
        "项目名称": f"project:{PROJECT}",
        "应用名称": f"application:{approval.job}",
        "发布类型": approval.parameters["RELEASE_TYPE"],
        "是否有数据库变更": "否",
        "分支或标签": approval.parameters["BRANCH"],
        "环境": approval.parameters["ENV"],
    }


class FeishuPlayer:
    """Plays Feishu's approvals on its simulator (chaos_approvals.Player)."""

    def __init__(self, feishu: FeishuControl, server_url: str, rng: random.Random) -> None:
        self.feishu = feishu
        self.server_url = server_url
        self.rng = rng
        self.forms_opened_again = 0
        self._mode = ""
        self._http = httpx.Client(timeout=10)

    def close(self) -> None:
        self._http.close()

    def instances(self) -> dict[str, dict[str, Any]]:
        return {found["instance_code"]: found for found in self.feishu.instances()}

    def advance(self, approval: Planned) -> None:
        self._use_way(approval)
        step, code = approval.steps_done, approval.instance_id
        if step == 0:
            approval.instance_id = self._submit(approval)
        elif step == 1:
            self.feishu.approve(code, FIRST, "同意")
        elif approval.end == "cancel":
            self.feishu.cancel(code, ORIGINATOR)
        elif approval.end == "reject":
            self.feishu.reject(code, LAST, "本周不发")
        else:
            self.feishu.approve(code, LAST, "同意发布")
        approval.steps_done += 1

    def _submit(self, approval: Planned) -> str:
        """Fill and submit the form; when its options did not load (ReleaseGate slower
        than Feishu's 3 s, or `serve` down: the monkey kills it), open it again, as a
        person would, until it works (or `serve` cannot have been down so long)."""
        give_up = time.monotonic() + SERVE_DOWN_AT_MOST_S
        while True:
            try:
                return self.feishu.submit(form(approval), ORIGINATOR)
            except SimulatorRefused:
                if time.monotonic() > give_up:
                    raise
                self.forms_opened_again += 1
                time.sleep(0.5)

    def _use_way(self, approval: Planned) -> None:
        """Switch Feishu's delivery to this approval's way in before its next step (see
        the module's docstring)."""
        mode = MODES[approval.way]
        if mode != self._mode:
            self._mode = self.feishu.long_connection.mode(mode)

    # -- deliveries again and forged ones ----------------------------------------------

    def deliver_again(self, approval: Planned) -> tuple[str, bool]:
        if approval.way == "long_connection":
            dropped = self.feishu.long_connection.drop()
            return ("long_connection_dropped" if dropped else ""), False
        ids = [
            d["id"]
            for d in self.feishu.events()
            if d["instance_code"] == approval.instance_id and not d["again"]
        ]
        if not ids:
            return "", False
        chosen = self.rng.choice(ids)
        self.feishu.redeliver(chosen)
        return approval.way, chosen != ids[-1]

    def forge(self, approval: Planned) -> tuple[str, int]:
        """Claim the instance was approved, without one of Feishu's secrets."""
        kind = self.rng.choice(FORGERIES)
        message = {
            "uuid": f"forged-{approval.number}-{kind}",
            "token": DEMO_FEISHU["FEISHU_VERIFICATION_TOKEN"],
            "ts": f"{time.time():.7f}",
            "type": "event_callback",
            "event": {
                "type": "approval_instance",
                "approval_code": DEMO_FEISHU["FEISHU_APPROVAL_CODE"],
                "instance_code": approval.instance_id,
                "status": "APPROVED",
                "operate_time": str(int(time.time() * 1000)),
                "uuid": uuid.uuid4().hex,
            },
        }
        key = DEMO_FEISHU["FEISHU_ENCRYPT_KEY"]
        if kind == "wrong_token":
            message["token"] = "forged-verification-token"
        if kind == "other_encrypt_key":
            key = "an-encrypt-key-that-is-not-feishus"
        plain = json.dumps(message, ensure_ascii=False)
        body = json.dumps({"encrypt": encrypt(key, plain)}).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if kind != "unsigned":
            headers |= {
                "X-Lark-Request-Timestamp": timestamp,
                "X-Lark-Request-Nonce": nonce,
                "X-Lark-Signature": signature(timestamp, nonce, key, body),
            }
        if kind == "bad_signature":
            headers["X-Lark-Signature"] = "0" * 64
        answer = self._http.post(self.server_url + "feishu/events", content=body, headers=headers)
        return kind, answer.status_code


class FeishuFaults:
    """Feishu's misbehaviour between steps, counted in `injected`."""

    def __init__(self, feishu: FeishuControl, event_url: str, rng: random.Random) -> None:
        self.feishu, self.event_url, self.rng = feishu, event_url, rng
        self.injected: dict[str, int] = {}
        self._unreachable_until = 0

    def start(self) -> None:
        self.feishu.set_duplicate_probability(DUPLICATES)

    def tick(self, step: int, total: int) -> None:
        """Every 25 steps (between DingTalk's) the next few calls fail (`API_FAULTS`,
        added to what no call has hit yet, up to its N); at a third and two thirds of the run every
        tenant token expires; from half-way ReleaseGate's event URL is unreachable for
        a few steps."""
        if step % 25 == 12:
            fault, most = API_FAULTS[(step // 25) % len(API_FAULTS)]
            calls = self.rng.randint(1, most)
            pending = self.feishu.faults()
            self.feishu.set_faults(**(pending | {fault: min(pending[fault] + calls, most)}))
        if step in (total // 3, 2 * total // 3):
            self._expire_tokens()
        if step == total // 2:
            self.feishu.set_event_url(_unreachable_url())
            self._unreachable_until = step + UNREACHABLE_STEPS
            self.injected["feishu_event_url_unreachable_steps"] = UNREACHABLE_STEPS
        if step == self._unreachable_until:
            self._reachable_again()

    def drive_ended(self) -> None:
        """Every tenant token expires once more: the drive takes seconds, most of the
        calls to Feishu's API come after it. The event URL is right again in any case."""
        self._expire_tokens()
        self._reachable_again()

    def _reachable_again(self) -> None:
        self.feishu.set_event_url(self.event_url)
        self._unreachable_until = 0

    def _expire_tokens(self) -> None:
        self.feishu.expire_tokens()
        self.injected["feishu_token_expired"] = self.injected.get("feishu_token_expired", 0) + 1

    def summary(self) -> dict[str, int]:
        """What Feishu's API and its pushes went through, from the simulator's records."""
        calls = self.feishu.requests()
        deliveries = self.feishu.events()
        failed = sum(
            attempt["outcome"] != "success" for d in deliveries for attempt in d["attempts"]
        )
        connected = self.feishu.long_connection.deliveries()
        return {
            **self.injected,
            "feishu_rate_limited_calls": sum(call["status"] == 429 for call in calls),
            "feishu_server_error_calls": sum(call["fault"] == "server_error" for call in calls),
            "feishu_token_refused_calls": sum(call["code"] == TOKEN_REFUSED for call in calls),
            "feishu_push_attempts_failed": failed,
            "feishu_pushes_given_up": sum(d["state"] == "failed" for d in deliveries),
            "feishu_long_connection_events": len(connected),
            "feishu_long_connection_attempts": sum(len(d["attempts"]) for d in connected),
            "feishu_long_connection_given_up": sum(d["state"] == "failed" for d in connected),
        }


def _unreachable_url() -> str:
    """An event URL nothing listens at: a port just freed on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feishu/events"
