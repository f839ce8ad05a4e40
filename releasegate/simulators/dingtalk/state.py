"""Everything the simulated DingTalk knows, behind one lock; and its clock.

The clock is the wall clock plus an offset that `/_sim/clock` moves. Token expiry, the
robot's per-minute limit, "the same day" of work notifications and the event-push retry
schedule all read it, so a test moves time instead of waiting. Besides the server's, the
event pusher (pushes.py) and Stream mode (stream/) run threads of their own, each behind
its own lock.

The connector (forms/connector_calls.py), its node after the last approver
(forms/connector_node.py, whose retries run on a thread of their own) and the open forms
(forms/sessions.py) have their own locks too: their HTTP calls to ReleaseGate never hold
the world's.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from releasegate.simulators.dingtalk.approvals.instances import Approvals, Event, Instance, Step
from releasegate.simulators.dingtalk.cards import Cards
from releasegate.simulators.dingtalk.faults import FaultPlan
from releasegate.simulators.dingtalk.forms.connector_calls import ConnectorCaller
from releasegate.simulators.dingtalk.forms.connector_node import NodeRunner
from releasegate.simulators.dingtalk.forms.sessions import FormSessions
from releasegate.simulators.dingtalk.messages import Messaging
from releasegate.simulators.dingtalk.pushes import Pusher
from releasegate.simulators.dingtalk.settings import DEPARTMENTS, OrgUser, SimSettings
from releasegate.simulators.dingtalk.stream.gateway import StreamGateway
from releasegate.simulators.dingtalk.tokens import TokenStore
from releasegate.simulators.dingtalk.wire import Clock

REQUEST_LOG_SIZE = 10_000


@dataclass
class NewInstance:
    """A validated request to start an instance, from the API or from the form."""

    originator: OrgUser
    dept_id: int
    form: list[tuple[str, str]]
    steps: list[Step] | None = None
    cc_user_ids: list[str] = field(default_factory=list)


@dataclass
class RequestRecord:
    at_ms: int
    method: str
    path: str
    status: int
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
        self.approvals = Approvals(settings.corp_id)
        self.messaging = Messaging(settings)
        self.cards = Cards(settings.card_templates)
        self.faults = FaultPlan()
        self.pusher = Pusher(settings, self.clock)
        # ReleaseGate's connector actions: the form's calls and the node after the last
        # approver (forms/form.py, forms/connector_node.py); each has its own lock.
        self.connector = ConnectorCaller(settings, self.clock)
        self.connector_node = NodeRunner(
            self.connector, self.clock, settings.connector_retry_delays
        )
        self.forms = FormSessions()
        self.stream = StreamGateway(settings, self.clock)
        # Which channels deliver events (the control API switches them).
        self.http_push = settings.http_push
        self.stream_push = settings.stream_push
        # The latest API calls, for tests and the demo; bounded for long benchmark runs.
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)
        # Instances an API call moved on, whose connector node (if they reached it) is run
        # once the call has let go of the lock (the node calls ReleaseGate).
        self.reached_node: list[Instance] = []

    def start_instance(self, new: NewInstance, *, via_api: bool) -> Instance:
        """Start an instance and push its `start` events. Callers hold the lock."""
        now = self.clock.now()
        instance_id = str(uuid.uuid4())
        settings = self.settings
        user = new.originator
        instance = Instance(
            instance_id=instance_id,
            process_code=settings.process_code,
            title=f"{user.name}提交的{settings.process_name}",
            originator=user,
            dept_id=str(new.dept_id),
            dept_name=DEPARTMENTS.get(new.dept_id, ""),
            form=[_component(settings, label, value) for label, value in new.form],
            steps=new.steps or [Step("NONE", (user_id,)) for user_id in settings.approvers],
            started_via_api=via_api,
            cc_user_ids=new.cc_user_ids,
            business_id=self.approvals.business_id(now),
            create_time=now,
            url=f"{self.base_url}_sim/#{instance_id}",
            connector_node=self.connector.node_mode(),
        )
        self.push(self.approvals.start(instance, now))
        return instance

    def push(self, events: list[Event]) -> None:
        if self.http_push:
            self.pusher.enqueue(events)
        if self.stream_push:
            self.stream.enqueue(events)


def _component(settings: SimSettings, label: str, value: str) -> tuple[str, str, str, str]:
    spec = next(field for field in settings.form if field.label == label)
    return label, value, spec.id, spec.component_type
