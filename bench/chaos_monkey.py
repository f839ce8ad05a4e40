"""The chaos run's monkey: at a random moment every few seconds it SIGKILLs one of the two
`releasegate worker` processes, or now and then (`STREAM_SHARE`) one platform's
`releasegate stream`, and starts it again (see chaos.py)."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from releasegate.lib.process import ServiceProcess

WORKER_READY = re.compile(r"worker running")
# The share of kills that hit a `stream` rather than a worker.
STREAM_SHARE = 0.25


class Monkey:
    """Kills and restarts workers and streams; `kills` counts them by process kind."""

    def __init__(
        self,
        workers: list[ServiceProcess],
        streams: Mapping[str, Callable[[], ServiceProcess]],
        running: dict[str, ServiceProcess],
        env: dict[str, str],
        log: Any,
        rng: random.Random,
        every: float,
    ) -> None:
        """`streams` starts each platform's stream again; `running` holds the one now."""
        self.workers, self.env, self.log, self.rng, self.every = workers, env, log, rng, every
        self.streams, self.running = streams, running
        self.kills: dict[str, int] = {"worker": 0, "stream": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="monkey", daemon=True)

    @staticmethod
    def start_worker(env: dict[str, str], log: Any) -> ServiceProcess:
        return ServiceProcess(["worker"], env=env, log=log, ready=WORKER_READY)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.2, 2 * self.every)):
            if self.streams and self.rng.random() < STREAM_SHARE:
                platform = self.rng.choice(sorted(self.streams))
                self.running[platform].kill()
                self.kills["stream"] += 1
                if self._stop.wait(self.rng.uniform(0.1, 1.5)):
                    return
                self.running[platform] = self.streams[platform]()
                continue
            victim = self.rng.randrange(len(self.workers))
            self.workers[victim].kill()
            self.kills["worker"] += 1
            if self._stop.wait(self.rng.uniform(0.1, 1.5)):
                return
            self.workers[victim] = self.start_worker(self.env, self.log)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        for process in [*self.workers, *self.running.values()]:
            process.stop()
