"""The demo's timeline: one line per thing that happened, with the seconds since the
start, and the bounded wait every step uses so the demo never hangs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from rich.console import Console
from rich.markup import escape

T = TypeVar("T")


class DemoFailed(Exception):
    """The story did not happen as told: `where` names the step, `why` what was seen."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")
        self.where, self.why = where, why


class Timeline:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def chapter(self, title: str) -> None:
        self.console.print(f"\n[bold]── {escape(title)}[/bold]")

    def step(self, text: str) -> None:
        self.console.print(f"[dim]{self.elapsed():6.1f}s[/dim]  {text}")

    def detail(self, text: str) -> None:
        self.console.print(f"         [dim]│[/dim] {escape(text)}")


def within(
    seconds: float, where: str, why: str, check: Callable[[], T | None], every: float = 0.2
) -> T:
    """`check()`'s first truthy value, looked at every `every` seconds; `DemoFailed(where,
    why)` when there is none after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise DemoFailed(where, f"{why} after {seconds:g} s")
        time.sleep(every)
