"""Everything the simulated WeCom knows, behind one lock; and its clock.

The clock is the wall clock plus an offset that `/_sim/clock` moves: token and ticket
lifetimes, frequency limits, duplicate checks, sp_no days and callback retries all read
it, so a test moves time instead of waiting. The callback pusher (callbacks.py) has its
own thread and lock: its HTTP calls never hold the world's.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from releasegate.simulators.wecom import events
from releasegate.simulators.wecom.approvals.applications import (
    SUBMITTED,
    Application,
    Approvals,
    Node,
)
from releasegate.simulators.wecom.approvals.template import Filled
from releasegate.simulators.wecom.callbacks import Callbacks
from releasegate.simulators.wecom.faults import FaultPlan
from releasegate.simulators.wecom.messages import Messaging
from releasegate.simulators.wecom.ratelimits import Windows
from releasegate.simulators.wecom.settings import Person, SimSettings
from releasegate.simulators.wecom.tokens import TicketStore, TokenStore
from releasegate.simulators.wecom.wire import Clock

REQUEST_LOG_SIZE = 10_000


@dataclass
class RequestRecord:
    at_ms: int
    method: str
    path: str
    errcode: int | None
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
        self.tickets = TicketStore(settings.ticket_secret)
        self.limits = Windows()
        self.faults = FaultPlan()
        self.approvals = Approvals()
        self.messaging = Messaging(settings)
        self.callbacks = Callbacks(settings, self.clock)
        self.picker_url = settings.picker_url
        # Texts of externally sourced option keys seen in pickers, so an application
        # shows "支付" rather than "proj-payments" when it can.
        self.option_texts: dict[str, str] = {}
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)

    def submit(
        self,
        applyer: Person,
        contents: list[Filled],
        nodes: list[Node],
        notifyer: list[Person] | None = None,
        summary: list[str] | None = None,
    ) -> Application:
        """Create an application and call back 提单 (1). Callers hold the lock."""
        now = self.clock.now()
        application = self.approvals.create(applyer, contents, nodes, now, notifyer, summary)
        self.changed(application, SUBMITTED)
        return application

    def changed(self, application: Application, change: int) -> None:
        """Call back `change` with the application as it is now. Callers hold the lock."""
        xml = events.approval_change(self.settings, application, change, int(self.clock.now()))
        self.callbacks.enqueue(application.sp_no, change, xml)
