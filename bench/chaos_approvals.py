"""The approvals of a chaos run, played on the DingTalk simulator (see chaos.py).

Each approval is planned up front from the seed: its way in (the connector node after
the last approver: asynchronous alone, or synchronous beside the event push for every
other one; the HTTP event push; Stream), its end (agreed, refused by an approver,
terminated by its originator before the end, revoked by its originator after it was
agreed, or left waiting), its job and parameters. A revoked approval asks for a release
half an hour ahead, so its release waits SCHEDULED; half are revoked at once (ReleaseGate
may first hear of the approval with its revocation attached), half only once their release
is SCHEDULED (`revoke_later`, chaos.py): the revocation must cancel it (through the event,
or through reconcile when nothing is pushed: the connector way), and the run cannot end
before it is cancelled.
A window of approvals is in flight at once and advanced step by step in random order, so
their events interleave. Every approval's events are then delivered again 0-4 times by the
simulator, later and in any order (a `start` after its `finish`), and some approvals get
forged deliveries (a wrong signature or a wrong connector secret) sent by the script
itself, an attacker's reach: those must be refused, and nothing unapproved may run.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx

from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.simulators.dingtalk.control import DingTalkControl

Way = Literal["connector", "http", "stream"]
End = Literal["agree", "refuse", "terminate", "revoke", "pending"]
WAYS: tuple[Way, ...] = ("connector", "http", "stream")
# Of every 20 approvals: 12 agreed, 2 refused, 2 terminated, 2 revoked after approval,
# 2 left waiting.
ENDS: tuple[End, ...] = (
    ("agree",) * 12 + ("refuse",) * 2 + ("terminate",) * 2 + ("revoke",) * 2 + ("pending",) * 2
)
# Revoked approvals ask for a release this far ahead (in the form's time zone).
REVOKED_RUN_AHEAD = timedelta(minutes=30)
FORM_ZONE = ZoneInfo("Asia/Shanghai")
ORIGINATOR, FIRST, LAST = "zhangsan", "lisi", "wangwu"
PROJECT = "chaos"
WINDOW = 8


@dataclass
class Planned:
    number: int
    way: Way
    end: End
    job: str
    parameters: dict[str, str]
    release_time: str = ""
    revoke_later: bool = False
    instance_id: str = ""
    steps_done: int = 0

    @property
    def steps(self) -> int:
        """submit, the first approver, then the last approver or the end; a revocation
        at once after the last approver (or later, see `Driver.revoke`)."""
        if self.end == "revoke":
            return 3 if self.revoke_later else 4
        return 2 if self.end in ("pending", "terminate") else 3

    @property
    def channels(self) -> tuple[str, bool, bool]:
        """(connector node, HTTP push, Stream) for this approval. Every other connector
        approval has the synchronous node, which holds the instance RUNNING until
        ReleaseGate answers, together with the event push, as a form set up both ways
        does: the node's delivery then reads the instance before it completes while the
        event's reads it after."""
        if self.way == "connector":
            return ("sync", True, False) if (self.number // 3) % 2 else ("async", False, False)
        return ("none", self.way == "http", self.way == "stream")

    def form(self) -> dict[str, str]:
        return {
            "项目名称": PROJECT,
            "应用名称": self.job,
            "发布类型": self.parameters["RELEASE_TYPE"],
            "发布时间": self.release_time,
            "是否有数据库变更": "否",
            "分支或标签": self.parameters["BRANCH"],
            "环境": self.parameters["ENV"],
        }


def plan(count: int, jobs: list[str], rng: random.Random) -> list[Planned]:
    """`count` approvals; each BRANCH is unique, so a Jenkins build names its approval."""
    later = datetime.now(tz=FORM_ZONE) + REVOKED_RUN_AHEAD
    planned = [
        Planned(
            number=n,
            way=WAYS[n % len(WAYS)],
            end=rng.choice(ENDS),
            job=rng.choice(jobs),
            parameters={
                "BRANCH": f"release/chaos-{n:04d}",
                "ENV": rng.choice(("prod", "staging")),
                "RELEASE_TYPE": rng.choice(("全量", "灰度")),
            },
        )
        for n in range(count)
    ]
    for approval in planned:
        if approval.end == "revoke":
            approval.release_time = f"{later:%Y-%m-%d %H:%M:%S}"
            approval.revoke_later = rng.random() < 0.5
    return planned


@dataclass
class Tally:
    deliveries_again: dict[str, int] = field(default_factory=dict)
    forged_sent: dict[str, int] = field(default_factory=dict)
    forged_accepted: int = 0
    out_of_order: int = 0

    def count(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1


class Driver:
    """Plays the planned approvals; `tick` is called between steps (faults, pacing)."""

    def __init__(
        self,
        dingtalk: DingTalkControl,
        server_url: str,
        crypto: EventCrypto,
        rng: random.Random,
    ) -> None:
        self.dingtalk = dingtalk
        self.server_url = server_url
        self.crypto = crypto
        self.rng = rng
        self.tally = Tally()
        self._channels: tuple[str, bool, bool] | None = None
        self._later: list[tuple[int, Callable[[], None]]] = []
        self._step = 0
        self._http = httpx.Client(timeout=10)

    def play(self, planned: list[Planned], tick: Callable[[int], None]) -> None:
        waiting, active = list(planned), list[Planned]()
        while waiting or active:
            while waiting and len(active) < WINDOW:
                active.append(waiting.pop(0))
            approval = self.rng.choice(active)
            self._advance(approval)
            if approval.steps_done == approval.steps:
                active.remove(approval)
                self._schedule_extras(approval)
            self._run_due()
            tick(self._step)
        for _, deliver in sorted(self._later, key=lambda later: later[0]):
            deliver()
        self._later.clear()

    def close(self) -> None:
        self._http.close()

    # -- one step of one approval -------------------------------------------------------

    def _advance(self, approval: Planned) -> None:
        self._use_way(approval)
        self._step += 1
        step = approval.steps_done
        if step == 0:
            approval.instance_id = self.dingtalk.submit(ORIGINATOR, approval.form())
        elif step == 1 and approval.end == "terminate":
            self.dingtalk.terminate(approval.instance_id)
        elif step == 1:
            self.dingtalk.agree(approval.instance_id, FIRST)
        elif step == 3:
            self.dingtalk.revoke(approval.instance_id)
        elif approval.end == "refuse":
            self.dingtalk.refuse(approval.instance_id, LAST, "not this week")
        else:
            self.dingtalk.agree(approval.instance_id, LAST)
        approval.steps_done += 1

    def revoke(self, approval: Planned) -> None:
        """Revoke an approval planned to be revoked later, through its own way in."""
        self._use_way(approval)
        self.dingtalk.revoke(approval.instance_id)
        approval.steps_done += 1

    def _use_way(self, approval: Planned) -> None:
        """DingTalk delivers through the way this approval came in: the connector node is
        fixed when an instance starts, the push channels when each event is sent."""
        channels = approval.channels
        if channels == self._channels:
            return
        node, http, stream = channels
        self.dingtalk.configure_connector(node=node)
        self.dingtalk.stream.modes(http=http, stream=stream)
        self._channels = channels

    # -- deliveries again, later, and forged ones ------------------------------------------

    def _schedule_extras(self, approval: Planned) -> None:
        for _ in range(self.rng.randint(0, 4)):
            due = self._step + self.rng.randint(1, 40)
            self._later.append((due, partial(self._deliver_again, approval)))
        if approval.end != "agree" or self.rng.random() < 0.1:
            due = self._step + self.rng.randint(1, 40)
            self._later.append((due, partial(self._forge, approval)))

    def _run_due(self) -> None:
        due = [later for later in self._later if later[0] <= self._step]
        self._later = [later for later in self._later if later[0] > self._step]
        for _, deliver in due:
            deliver()

    def _deliver_again(self, approval: Planned) -> None:
        if approval.way == "connector":
            if approval.end in ("agree", "revoke"):
                self.dingtalk.call_node_again(approval.instance_id)
                self.tally.count(self.tally.deliveries_again, "connector")
            return
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
            return
        chosen = self.rng.choice(ids)
        self.tally.out_of_order += chosen != ids[-1]
        if approval.way == "http":
            self.dingtalk.redeliver(chosen)
        else:
            self.dingtalk.stream.redeliver(chosen)
        self.tally.count(self.tally.deliveries_again, approval.way)

    def _forge(self, approval: Planned) -> None:
        """Claim the approval was granted, without DingTalk's keys."""
        if self.rng.random() < 0.5:
            status = self._forged_event(approval)
            self.tally.count(self.tally.forged_sent, "event_push_bad_signature")
        else:
            status = self._forged_connector_call(approval)
            self.tally.count(self.tally.forged_sent, "connector_bad_secret")
        self.tally.forged_accepted += status < 400

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
        body = {"instance_id": approval.instance_id, "form": approval.form()}
        answer = self._http.post(
            self.server_url + "dingtalk/connector/approved", json=body, headers=headers
        )
        return answer.status_code


def instances(dingtalk: DingTalkControl) -> dict[str, dict[str, Any]]:
    """DingTalk's own record of every instance, by id."""
    return {found["instance_id"]: found for found in dingtalk.instances()}
