"""DingTalk's approvals in a chaos run, played on its simulator (see chaos.py).

Ways in: the connector node after the last approver (asynchronous alone, or synchronous
beside the event push for every other one), the HTTP event push, Stream. Ends: agreed,
refused by an approver, terminated by its originator before the end, revoked by its
originator after it was agreed, or left waiting. A revoked approval asks for a release
half an hour ahead, so its release waits SCHEDULED; half are revoked at once (ReleaseGate
may first hear of the approval with its revocation attached), half only once their release
is SCHEDULED (`revoke_later`, chaos.py): the revocation must cancel it (through the event,
or through reconcile when nothing is pushed: the connector way), and the run cannot end
before it is cancelled.
Events are delivered again by the simulator, later and in any order (a `start` after its
`finish`); forged deliveries carry a wrong signature or a wrong connector secret.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

import httpx
from chaos_approvals import PROJECT, Planned

from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused

WAYS = ("connector", "http", "stream")
# Of every 20 approvals: 12 agreed, 2 refused, 2 terminated, 2 revoked after approval,
# 2 left waiting.
ENDS = ("agree",) * 12 + ("refuse",) * 2 + ("terminate",) * 2 + ("revoke",) * 2 + ("pending",) * 2
ORIGINATOR, FIRST, LAST = "zhangsan", "lisi", "wangwu"
# The simulator's answer to an action the instance's state does not allow.
CONFLICT = 409


class DingTalkPlan:
    ways: tuple[str, ...] = WAYS
    ends: tuple[str, ...] = ENDS


def approved(instance: dict[str, Any]) -> bool:
    """In DingTalk's words: agreed, and not revoked afterwards (a revocation is attached
    to it) nor itself a revocation."""
    return (
        instance.get("status") == "COMPLETED"
        and instance.get("result") == "agree"
        and instance.get("bizAction", "NONE") == "NONE"
        and not instance.get("attachedProcessInstanceIds")
        and not instance.get("mainProcessInstanceId")
    )


def channels(approval: Planned) -> tuple[str, bool, bool]:
    """(connector node, HTTP push, Stream) for this approval. Every other connector
    approval has the synchronous node, which holds the instance RUNNING until ReleaseGate
    answers, together with the event push, as a form set up both ways does: the node's
    delivery then reads the instance before it completes while the event's reads it
    after."""
    if approval.way == "connector":
        return ("sync", True, False) if (approval.number // 3) % 2 else ("async", False, False)
    return ("none", approval.way == "http", approval.way == "stream")


def form(approval: Planned) -> dict[str, str]:
    return {
        "项目名称": PROJECT,
        "应用名称": approval.job,
        "发布类型": approval.parameters["RELEASE_TYPE"],
        "发布时间": approval.release_time,
        "是否有数据库变更": "否",
        "分支或标签": approval.parameters["BRANCH"],
        "环境": approval.parameters["ENV"],
    }


class DingTalkPlayer:
    """Plays DingTalk's approvals on its simulator (chaos_approvals.Player)."""

    def __init__(
        self, dingtalk: DingTalkControl, server_url: str, crypto: EventCrypto, rng: random.Random
    ) -> None:
        self.dingtalk = dingtalk
        self.server_url = server_url
        self.crypto = crypto
        self.rng = rng
        self._channels: tuple[str, bool, bool] | None = None
        self._http = httpx.Client(timeout=10)

    def close(self) -> None:
        self._http.close()

    def instances(self) -> dict[str, dict[str, Any]]:
        return {found["instance_id"]: found for found in self.dingtalk.instances()}

    def advance(self, approval: Planned) -> None:
        self._use_way(approval)
        step = approval.steps_done
        if step == 0:
            approval.instance_id = self.dingtalk.submit(ORIGINATOR, form(approval))
        elif step == 1 and approval.end == "terminate":
            self.dingtalk.terminate(approval.instance_id)
        elif step == 1:
            self.dingtalk.agree(approval.instance_id, FIRST)
        elif step == 3:
            self._revoke(approval)
        elif approval.end == "refuse":
            self.dingtalk.refuse(approval.instance_id, LAST, "not this week")
        else:
            self.dingtalk.agree(approval.instance_id, LAST)
        approval.steps_done += 1

    def revoke(self, approval: Planned) -> None:
        """Revoke an approval planned to be revoked later, through its own way in."""
        self._use_way(approval)
        self._revoke(approval)
        approval.steps_done += 1

    def _revoke(self, approval: Planned) -> None:
        """Revoke the approved instance; unless its synchronous connector node failed
        (`serve` was down: the monkey killed it), which ended it TERMINATED instead, and
        DingTalk refuses to revoke what was not approved."""
        try:
            self.dingtalk.revoke(approval.instance_id)
        except SimulatorRefused as refused:
            if refused.status != CONFLICT:
                raise

    def _use_way(self, approval: Planned) -> None:
        """DingTalk delivers through the way this approval came in: the connector node is
        fixed when an instance starts, the push channels when each event is sent."""
        wanted = channels(approval)
        if wanted == self._channels:
            return
        node, http, stream = wanted
        self.dingtalk.configure_connector(node=node)
        self.dingtalk.stream.modes(http=http, stream=stream)
        self._channels = wanted

    # -- deliveries again and forged ones ----------------------------------------------

    def deliver_again(self, approval: Planned) -> tuple[str, bool]:
        if approval.way == "connector":
            if approval.end not in ("agree", "revoke"):
                return "", False
            self.dingtalk.call_node_again(approval.instance_id)
            return "connector", False
        if approval.way == "http":
            ids = [
                d["id"]
                for d in self.dingtalk.events()
                if d["event"].get("processInstanceId") == approval.instance_id
            ]
        else:
            ids = [
                d["id"]
                for d in self.dingtalk.stream.deliveries()
                if d["instance_id"] == approval.instance_id
            ]
        if not ids:
            return "", False
        chosen = self.rng.choice(ids)
        if approval.way == "http":
            self.dingtalk.redeliver(chosen)
        else:
            self.dingtalk.stream.redeliver(chosen)
        return approval.way, chosen != ids[-1]

    def forge(self, approval: Planned) -> tuple[str, int]:
        """Claim the approval was granted, without DingTalk's keys."""
        if self.rng.random() < 0.5:
            return "event_push_bad_signature", self._forged_event(approval)
        return "connector_bad_secret", self._forged_connector_call(approval)

    def _forged_event(self, approval: Planned) -> int:
        event = {
            "EventType": "bpms_instance_change",
            "processInstanceId": approval.instance_id,
            "processCode": "PROC-RELEASEGATE-DEMO",
            "type": "finish",
            "result": "agree",
            "eventId": f"forged-{approval.number}",
        }
        timestamp = str(int(time.time() * 1000))
        encrypt = self.crypto.encrypt(json.dumps(event))
        params = {"msg_signature": "0" * 40, "timestamp": timestamp, "nonce": "forged01"}
        answer = self._http.post(
            self.server_url + "dingtalk/events", params=params, json={"encrypt": encrypt}
        )
        return answer.status_code

    def _forged_connector_call(self, approval: Planned) -> int:
        headers = {
            "x-ddpaas-signature-timestamp": str(int(time.time())),
            "x-ddpaas-signature": "Zm9yZ2VkLXNpZ25hdHVyZQ==",
        }
        body = {"instance_id": approval.instance_id, "form": form(approval)}
        answer = self._http.post(
            self.server_url + "dingtalk/connector/approved", json=body, headers=headers
        )
        return answer.status_code


# In turn, every 25 steps (between the QPS limits): the next 1 to N token-carrying calls
# meet the gateway's 503 or 502, DingTalk's own system error (500, or errcode -1 on the
# older API), or no answer at all, the connection reset before DingTalk got the call or
# after it did the work (a notification sent, its answer lost).
OUTAGES = (
    ("server_error", 3),
    ("connection_reset", 3),
    ("bad_gateway", 2),
    ("reset_after_work", 2),
    ("system_error", 3),
)
SERVER_ERRORS = ("server_error", "bad_gateway", "system_error")


class DingTalkFaults:
    """DingTalk's misbehaviour between steps, counted in `injected`."""

    def __init__(self, dingtalk: DingTalkControl, rng: random.Random) -> None:
        self.dingtalk, self.rng = dingtalk, rng
        self.injected: dict[str, int] = {}

    def tick(self, step: int, total: int) -> None:
        """Every 25 steps DingTalk's QPS limit is hit by the next few calls, and half-way
        between them an outage (`OUTAGES`); at a third and at two thirds of the run every
        access token expires."""
        if step % 25 == 0:
            self._add("qps_limit", self.rng.randint(2, 6))
        if step % 25 == 18:
            fault, most = OUTAGES[(step // 25) % len(OUTAGES)]
            self._add(fault, self.rng.randint(1, most))
        if step in (total // 3, 2 * total // 3):
            self.dingtalk.expire_tokens()
            self.injected["dingtalk_token_expired"] = (
                self.injected.get("dingtalk_token_expired", 0) + 1
            )

    def _add(self, fault: str, calls: int) -> None:
        """The next `calls` calls meet `fault`, besides what is still pending (setting
        the faults replaces them all)."""
        pending = self.dingtalk.faults()
        self.dingtalk.set_faults(**(pending | {fault: pending[fault] + calls}))

    def summary(self, planned: list[Planned]) -> dict[str, int]:
        """What DingTalk's API went through, from the simulator's records; and how many
        approvals their failed synchronous connector node ended (TERMINATED: not
        approved, so nothing may build)."""
        faults = [call["fault"] for call in self.dingtalk.requests()]
        ended = {i["instance_id"]: i["status"] for i in self.dingtalk.instances()}
        return {
            **self.injected,
            "dingtalk_ended_by_a_failed_connector_node": sum(
                p.platform == "dingtalk"
                and p.end != "terminate"
                and ended.get(p.instance_id) == "TERMINATED"
                for p in planned
            ),
            "dingtalk_qps_limited_calls": faults.count("qps_limit"),
            "dingtalk_5xx_calls": sum(faults.count(name) for name in SERVER_ERRORS),
            "dingtalk_connections_reset": faults.count("connection_reset"),
            "dingtalk_connections_reset_after_work": faults.count("reset_after_work"),
        }
