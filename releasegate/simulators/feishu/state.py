"""Everything the simulated Feishu knows, behind one lock; and its clock.

The clock is the wall clock plus an offset that `/_sim/clock` moves: token lifetimes,
frequency limits, the message `uuid` window and the event-push retry schedule all read
it, so a test moves time instead of waiting. The event pusher (pushes.py) and the long
connection (long_connection/) have their own threads and locks, the options caller
(options.py) its own lock: their network calls never hold the world's.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from releasegate.simulators.feishu.approvals.definition import FilledWidget
from releasegate.simulators.feishu.approvals.instances import Approvals, Event, Instance
from releasegate.simulators.feishu.cards import Click
from releasegate.simulators.feishu.faults import FaultPlan
from releasegate.simulators.feishu.long_connection.gateway import LongConnectionGateway
from releasegate.simulators.feishu.messages import Messaging
from releasegate.simulators.feishu.options import OptionsCaller
from releasegate.simulators.feishu.pushes import Pusher, envelope
from releasegate.simulators.feishu.ratelimits import ApiLimits
from releasegate.simulators.feishu.settings import Person, SimSettings
from releasegate.simulators.feishu.tokens import TokenStore
from releasegate.simulators.feishu.wire import Clock

REQUEST_LOG_SIZE = 10_000


@dataclass
class RequestRecord:
    at_ms: int
    method: str
    path: str
    status: int
    code: int | None
    fault: str = ""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


class World:
    def __init__(self, settings: SimSettings, base_url: str) -> None:
        self.settings = settings
        self.base_url = base_url
        self.clock = Clock()
        self.lock = threading.RLock()
        self.tokens = TokenStore()
        self.limits = ApiLimits(settings.rate_limits)
        self.faults = FaultPlan()
        self.approvals = Approvals(settings)
        self.messaging = Messaging(settings)
        # Every click on a card's button (cards.py), in order.
        self.clicks: list[Click] = []
        self.pusher = Pusher(settings, self.clock)
        self.long_connection = LongConnectionGateway(settings, self.clock)
        self.event_delivery = settings.event_delivery
        self.options = OptionsCaller(settings)
        # Whether the app called approvals/:code/subscribe (a second call is 1390007).
        self.subscribed = False
        # Texts of externally sourced option ids seen in forms people filled, so an
        # instance shows "支付" rather than "proj-payments" when it can.
        self.option_texts: dict[str, str] = {}
        # The latest API calls, for tests and the demo; bounded for long runs.
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)

    def start_instance(
        self, originator: Person, form: list[FilledWidget], request_uuid: str
    ) -> Instance:
        """Start an instance and push its events. Callers hold the lock."""
        instance, events = self.approvals.start(originator, form, request_uuid, self.clock.now_ms())
        self.push(events)
        return instance

    def push(self, events: list[Event]) -> None:
        """Send events the way the app subscribed. Callers hold the lock."""
        now = self.clock.now()
        envelopes = [envelope(self.settings, event, now) for event in events]
        if self.event_delivery == "webhook":
            self.pusher.enqueue(envelopes)
        elif self.event_delivery == "long_connection":
            self.long_connection.enqueue(envelopes)

    def wake(self) -> None:
        """The clock moved: retries may have fallen due."""
        self.pusher.wake()
        self.long_connection.wake()
