"""The 系统集成/连接器 node after the last approver: the `approved` action, called with the
instance id and the form (docs/dingtalk-setup.md section 5, reference section 1.1).

- **Synchronous**: the engine waits for the answer, so the instance is still RUNNING,
  with no approver left, while the call is made; it ends COMPLETED + agree once the call
  succeeds. "如果调用失败或超时，审批流将终止执行": a failed call ends the instance; that
  it then shows as TERMINATED is our reading (UNCONFIRMED). No retry.
- **Asynchronous**: the engine does not wait, so the instance ends COMPLETED + agree at
  once and the call follows on this module's thread. "如果连接器节点执行失败，将进行三次
  重试": a failed call is made again after each of `connector_retry_delays` (sim-clock
  seconds; DingTalk's intervals are UNCONFIRMED), then given up.

Every attempt is a recorded connector call (connector_calls.py). Whether an instance has
the node is fixed when it starts, like the rest of its flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from releasegate.simulators.delivery_loop import DeliveryLoop
from releasegate.simulators.dingtalk.approvals.instances import Instance
from releasegate.simulators.dingtalk.forms.connector_calls import ConnectorCall, ConnectorCaller
from releasegate.simulators.dingtalk.forms.design import node_check
from releasegate.simulators.dingtalk.wire import Clock

if TYPE_CHECKING:
    from releasegate.simulators.dingtalk.state import World

RunState = Literal["due", "calling", "delivered", "failed"]


@dataclass
class NodeRun:
    instance_id: str
    mode: Literal["sync", "async"]
    body: dict[str, Any]
    state: RunState = "due"
    due: float | None = None
    in_flight: bool = False
    call_ids: list[int] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "mode": self.mode,
            "state": self.state,
            "body": self.body,
            "attempts": len(self.call_ids),
            "calls": list(self.call_ids),
            "outcomes": list(self.outcomes),
        }


def node_input(instance: Instance) -> dict[str, Any]:
    """The node's input mapping: `instance_id` ← the instance's id, `form` ← every filled
    control by label."""
    return {
        "instance_id": instance.instance_id,
        "form": {label: value for label, value, *_ in instance.form},
    }


def follow(world: World, instance: Instance) -> None:
    """Run the node if `instance` has just reached it. Call without the world lock: the
    synchronous node's call is made here and moves the instance on before this returns;
    the asynchronous node's first attempt falls due on the runner's thread
    (`NodeRunner.settle` waits for it). Reaching the node twice calls it once."""
    with world.lock:
        mode = _reached(instance)
        if mode is None:
            return
        run = world.connector_node.claim(instance.instance_id, mode, node_input(instance))
    if run is None or mode == "async":
        return
    ok = world.connector_node.call_now(run)
    with world.lock:
        world.push(world.approvals.node_answered(instance, ok, world.clock.now()))


def _reached(instance: Instance) -> Literal["sync", "async"] | None:
    if instance.awaiting_node:
        return "sync"
    finished_agreed = instance.status == "COMPLETED" and instance.result == "agree"
    if instance.connector_node == "async" and finished_agreed:
        return "async"
    return None


class NodeRunner:
    """The node's calls and the asynchronous node's retries, on one thread (a
    DeliveryLoop). Has its own lock; never takes the world's."""

    def __init__(
        self, caller: ConnectorCaller, clock: Clock, retry_delays: tuple[float, ...]
    ) -> None:
        self._caller = caller
        self._clock = clock
        self._retry_delays = retry_delays
        self._runs: dict[str, NodeRun] = {}
        self._loop = DeliveryLoop(
            "dingtalk-node",
            clock.now,
            take_due=self._take_due,
            deliver=self._deliver,
            busy=self._busy,
            due_times=self._due_times,
        )

    def claim(
        self, instance_id: str, mode: Literal["sync", "async"], body: dict[str, Any]
    ) -> NodeRun | None:
        """A new run for the instance, or None when it already has one. An asynchronous
        run is due at once."""
        with self._loop.changed:
            if instance_id in self._runs:
                return None
            run = NodeRun(instance_id, mode, body)
            if mode == "async":
                run.due = self._clock.now()
            self._runs[instance_id] = run
            self._loop.changed.notify_all()
            return run

    def call_now(self, run: NodeRun) -> bool:
        """Make the synchronous node's one call on this thread; whether it succeeded."""
        with self._loop.changed:
            run.in_flight, run.state = True, "calling"
        call = self._attempt(run)
        with self._loop.changed:
            self._record(run, call)
            self._loop.changed.notify_all()
        return call.ok

    def call_again(self, instance_id: str) -> dict[str, Any]:
        """Call the node of an instance that reached it once more, as soon as the runner
        can: the platform may repeat a node call it already made. Raises LookupError for
        an instance without a run."""
        with self._loop.changed:
            run = self._runs.get(instance_id)
            if run is None:
                raise LookupError(f"instance {instance_id} has not reached the connector node")
            # One in flight is called again once it is over.
            run.due = self._clock.now()
            if not run.in_flight:
                run.state = "due"
            self._loop.changed.notify_all()
            return run.as_dict()

    def runs(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [run.as_dict() for run in self._runs.values()]

    def wake(self) -> None:
        """The clock moved: retries may have fallen due."""
        self._loop.wake()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every attempt due by now has been made; False on timeout."""
        return self._loop.settle(timeout)

    # -- the thread -----------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    def _take_due(self, now: float) -> NodeRun | None:
        run = next(
            (run for run in self._runs.values() if run.due is not None and run.due <= now), None
        )
        if run is not None:
            run.in_flight, run.state, run.due = True, "calling", None
        return run

    def _deliver(self, run: NodeRun) -> None:
        call = self._attempt(run)
        with self._loop.changed:
            self._record(run, call)

    def _busy(self, now: float) -> bool:
        return any(
            run.in_flight or (run.due is not None and run.due <= now) for run in self._runs.values()
        )

    def _due_times(self) -> list[float]:
        return [run.due for run in self._runs.values() if run.due is not None]

    def _attempt(self, run: NodeRun) -> ConnectorCall:
        return self._caller.call(
            "approved",
            run.body,
            trigger="node",
            subject=run.instance_id,
            check=node_check,
            attempt=len(run.call_ids) + 1,
        )

    def _record(self, run: NodeRun, call: ConnectorCall) -> None:
        run.in_flight = False
        run.call_ids.append(call.id)
        run.outcomes.append(call.outcome)
        if call.ok:
            run.state = "delivered"
            return
        failures = len(run.call_ids)
        if run.mode == "async" and failures <= len(self._retry_delays):
            run.state, run.due = "due", self._clock.now() + self._retry_delays[failures - 1]
            return
        run.state = "failed"
