"""ReleaseGate's Stream client against the DingTalk simulator, run in a thread as
`releasegate stream` runs it, with the simulator's timeouts and the client's waits scaled
down so reconnecting takes milliseconds."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from django.db import connections

from releasegate.integrations.dingtalk.stream import store_event
from releasegate.integrations.dingtalk.stream_client import (
    EventHandler,
    StreamClient,
    StreamOptions,
)
from releasegate.lib.http import Timeouts
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

# Silence is long unless a test is about it; backoff is short so reconnects are quick.
FAST = StreamOptions(silence_seconds=30.0, backoff_initial=0.02, backoff_max=0.2)


class RunningStream:
    """A StreamClient receiving in its own thread until `stop()`."""

    def __init__(self, client: StreamClient) -> None:
        self.client = client
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="stream-under-test")
        self._thread.start()

    def _run(self) -> None:
        try:
            self.client.run()
        except BaseException as exc:  # kept for the test to look at
            self.error = exc
        finally:
            connections.close_all()  # this thread's database connections

    def join(self, timeout: float = 5.0) -> bool:
        """Wait for `run()` to return by itself; True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        self.client.stop()
        assert self.join(10), "the Stream client did not stop"


def stream_client(
    simulator: DingTalkSimulator,
    *,
    handler: EventHandler = store_event,
    options: StreamOptions = FAST,
    **overrides: Any,
) -> StreamClient:
    """A client for the simulator's demo app; `overrides` replace the options' fields
    (`silence_seconds=`...) or the constructor's (`app_secret=`, `api_base=`)."""
    fields = {k: overrides.pop(k) for k in list(overrides) if hasattr(options, k)}
    settings = simulator.settings
    arguments: dict[str, Any] = {
        "app_key": settings.app_key,
        "app_secret": settings.app_secret,
        "api_base": simulator.url,
        "timeouts": Timeouts.uniform(5),
        "verify_tls": False,
        **overrides,
    }
    return StreamClient(handler=handler, options=replace(options, **fields), **arguments)


def connected(control: DingTalkControl, count: int = 1) -> list[dict[str, Any]]:
    """The gateway's open connections, once there are `count` of them."""

    def listed() -> list[dict[str, Any]]:
        found = control.stream.open_connections()
        return found if len(found) == count else []

    return eventually(listed)


def acked(control: DingTalkControl, count: int) -> list[dict[str, Any]]:
    """The gateway's deliveries once `count` of them are acknowledged."""

    def listed() -> list[dict[str, Any]]:
        found = control.stream.deliveries()
        return found if sum(d["state"] == "acked" for d in found) == count else []

    return eventually(listed)
