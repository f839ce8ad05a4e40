"""The approvals of a chaos run and their pacing (see chaos.py); each platform plays its
own (chaos_dingtalk.py, chaos_feishu.py, chaos_wecom.py).

Each approval is planned up front from the seed: its platform (every fifth one WeCom's,
of the others every third Feishu's, the rest DingTalk's), its way in, its end in its
platform's words, its job and parameters. A window of approvals is in flight at once and
advanced step by step in random order, the platforms' interleaved, so their events
interleave too. Once an approval has played out, its events are delivered again 0-4
times, later and in any order, and some approvals get forged deliveries sent by the
script itself, an attacker's reach: those must be refused, and nothing unapproved may
run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

import httpx

Platform = Literal["dingtalk", "feishu", "wecom"]
# Every WECOM_EVERY-th approval is WeCom's, of the others every FEISHU_EVERY-th Feishu's.
WECOM_EVERY = 5
FEISHU_EVERY = 3
# Revoked approvals ask for a release this far ahead (in the form's time zone).
REVOKED_RUN_AHEAD = timedelta(minutes=30)
FORM_ZONE = ZoneInfo("Asia/Shanghai")
PROJECT = "chaos"
WINDOW = 8
# The longest `serve` may take to come back after the monkey killed it (its start-up is
# seconds on a loaded machine, tried three times).
SERVE_DOWN_AT_MOST_S = 90.0


@dataclass
class Planned:
    number: int
    platform: Platform
    # How its platform delivers its events (the platform's module names them).
    way: str
    # How it ends, in its platform's words.
    end: str
    job: str
    parameters: dict[str, str]
    release_time: str = ""
    revoke_later: bool = False
    instance_id: str = ""
    steps_done: int = 0

    @property
    def steps(self) -> int:
        """Calls that play it out: submit, the first approver, then the last approver or
        the end; a revocation at once after the last approver (or later, see
        `DingTalkPlayer.revoke`)."""
        if self.end == "revoke":
            return 3 if self.revoke_later else 4
        return 2 if self.end in ("pending", "terminate") else 3


class PlatformPlan(Protocol):
    """What planning needs from a platform: its ways in, and its ends drawn by weight."""

    ways: tuple[str, ...]
    ends: tuple[str, ...]


class Player(Protocol):
    """One platform's side of the run: plays its approvals' steps on its simulator."""

    def advance(self, approval: Planned) -> None:
        """Make the approval's next step (`approval.steps_done`) and count it done."""

    def deliver_again(self, approval: Planned) -> tuple[str, bool]:
        """Have the platform deliver one of the approval's events again: the way it went
        ("" when there was nothing to deliver again) and whether it was an earlier event
        than its last (out of order)."""

    def forge(self, approval: Planned) -> tuple[str, int]:
        """Send a delivery claiming it was approved without the platform's keys; what
        kind of forgery and the HTTP status it got."""

    def instances(self) -> dict[str, dict[str, Any]]:
        """The platform's own record of every instance, by id."""


def plan(
    count: int, jobs: list[str], rng: random.Random, platforms: dict[Platform, PlatformPlan]
) -> list[Planned]:
    """`count` approvals; each BRANCH is unique, so a Jenkins build names its approval.
    Ways go round within each platform, so each platform uses each of its ways alike."""
    later = datetime.now(tz=FORM_ZONE) + REVOKED_RUN_AHEAD
    planned: list[Planned] = []
    seen: dict[Platform, int] = {}
    for n in range(count):
        platform = _platform(n)
        turn = seen[platform] = seen.get(platform, -1) + 1
        ways = platforms[platform].ways
        approval = Planned(
            number=n,
            platform=platform,
            way=ways[turn % len(ways)],
            end=rng.choice(platforms[platform].ends),
            job=rng.choice(jobs),
            parameters={
                "BRANCH": f"release/chaos-{n:04d}",
                "ENV": rng.choice(("prod", "staging")),
                "RELEASE_TYPE": rng.choice(("全量", "灰度")),
            },
        )
        if approval.end == "revoke":
            approval.release_time = f"{later:%Y-%m-%d %H:%M:%S}"
            approval.revoke_later = rng.random() < 0.5
        planned.append(approval)
    return planned


def _platform(n: int) -> Platform:
    if n % WECOM_EVERY == WECOM_EVERY - 1:
        return "wecom"
    return "feishu" if n % FEISHU_EVERY == FEISHU_EVERY - 1 else "dingtalk"


@dataclass
class Tally:
    deliveries_again: dict[str, dict[str, int]] = field(default_factory=dict)
    forged_sent: dict[str, dict[str, int]] = field(default_factory=dict)
    # The HTTP status each forged delivery got, by platform.
    forged_answers: dict[str, dict[str, int]] = field(default_factory=dict)
    forged_accepted: int = 0
    out_of_order: int = 0

    def count(self, table: dict[str, dict[str, int]], platform: str, key: str) -> None:
        counts = table.setdefault(platform, {})
        counts[key] = counts.get(key, 0) + 1


class Driver:
    """Plays the planned approvals on their platforms; `tick` is called between steps
    (faults, pacing)."""

    def __init__(self, players: dict[Platform, Player], rng: random.Random) -> None:
        self.players = players
        self.rng = rng
        self.tally = Tally()
        self._later: list[tuple[int, Callable[[], None]]] = []
        self._step = 0

    def play(self, planned: list[Planned], tick: Callable[[int], None]) -> None:
        waiting, active = list(planned), list[Planned]()
        while waiting or active:
            while waiting and len(active) < WINDOW:
                active.append(waiting.pop(0))
            approval = self.rng.choice(active)
            self._step += 1
            self.players[approval.platform].advance(approval)
            if approval.steps_done == approval.steps:
                active.remove(approval)
                self._schedule_extras(approval)
            self._run_due()
            tick(self._step)
        for _, deliver in sorted(self._later, key=lambda later: later[0]):
            deliver()
        self._later.clear()

    def instances(self) -> dict[str, dict[str, Any]]:
        """Every platform's record of its instances, by id (the ids never collide)."""
        found: dict[str, dict[str, Any]] = {}
        for player in self.players.values():
            found |= player.instances()
        return found

    # -- deliveries again, later, and forged ones ------------------------------------------

    def _schedule_extras(self, approval: Planned) -> None:
        for _ in range(self.rng.randint(0, 4)):
            due = self._step + self.rng.randint(1, 40)
            self._later.append((due, partial(self._deliver_again, approval)))
        if approval.end not in ("agree", "approve") or self.rng.random() < 0.1:
            due = self._step + self.rng.randint(1, 40)
            self._later.append((due, partial(self._forge, approval)))

    def _run_due(self) -> None:
        due = [later for later in self._later if later[0] <= self._step]
        self._later = [later for later in self._later if later[0] > self._step]
        for _, deliver in due:
            deliver()

    def _deliver_again(self, approval: Planned) -> None:
        way, out_of_order = self.players[approval.platform].deliver_again(approval)
        if way:
            self.tally.count(self.tally.deliveries_again, approval.platform, way)
            self.tally.out_of_order += out_of_order

    def _forge(self, approval: Planned) -> None:
        """Send a forgery; while `serve` is down (the monkey killed it) an attacker's
        connection fails, and he tries again until it answers."""
        give_up = time.monotonic() + SERVE_DOWN_AT_MOST_S
        while True:
            try:
                kind, status = self.players[approval.platform].forge(approval)
                break
            except httpx.TransportError:
                if time.monotonic() > give_up:
                    raise
                time.sleep(1.0)
        self.tally.count(self.tally.forged_sent, approval.platform, kind)
        self.tally.count(self.tally.forged_answers, approval.platform, str(status))
        self.tally.forged_accepted += status < 400
