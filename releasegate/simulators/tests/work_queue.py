"""The smallest owner of a DeliveryLoop, for its tests: named items due at given times on a
clock the test moves, delivered by recording their names. Clearing `gate` holds every
delivery in flight until it is set again."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from releasegate.simulators.delivery_loop import DeliveryLoop


class FrozenClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self._now = now

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


@dataclass
class Item:
    name: str
    due: float
    in_flight: bool = False
    delivered: bool = False


class WorkQueue:
    def __init__(self) -> None:
        self.clock = FrozenClock()
        self.items: list[Item] = []
        self.delivered: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.loop = DeliveryLoop(
            "test-delivery",
            self.clock.now,
            take_due=self._take_due,
            deliver=self._deliver,
            busy=self._busy,
            due_times=self._due_times,
        )

    def add(self, name: str, due_in: float = 0.0) -> None:
        with self.loop.changed:
            self.items.append(Item(name, self.clock.now() + due_in))
            self.loop.changed.notify_all()

    def _take_due(self, now: float) -> Item | None:
        item = next((i for i in self._waiting() if i.due <= now), None)
        if item is not None:
            item.in_flight = True
        return item

    def _deliver(self, item: Item) -> None:
        self.gate.wait(timeout=10)
        with self.loop.changed:
            item.in_flight, item.delivered = False, True
            self.delivered.append(item.name)

    def _busy(self, now: float) -> bool:
        return any(i.in_flight for i in self.items) or any(i.due <= now for i in self._waiting())

    def _due_times(self) -> list[float]:
        return [i.due for i in self._waiting()]

    def _waiting(self) -> list[Item]:
        return [i for i in self.items if not i.in_flight and not i.delivered]
