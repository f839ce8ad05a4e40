"""The chaos run's monkey: two `releasegate worker` processes, one of them SIGKILLed at a
random moment every few seconds and started again (see chaos.py)."""

from __future__ import annotations

import random
import re
import threading
from typing import Any

from releasegate.lib.process import ServiceProcess

WORKER_READY = re.compile(r"worker running")


class Monkey:
    """Two workers, one of them SIGKILLed at random moments and started again."""

    def __init__(
        self,
        workers: list[ServiceProcess],
        env: dict[str, str],
        log: Any,
        rng: random.Random,
        every: float,
    ) -> None:
        self.workers, self.env, self.log, self.rng, self.every = workers, env, log, rng, every
        self.kills = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="monkey", daemon=True)

    @staticmethod
    def start_worker(env: dict[str, str], log: Any) -> ServiceProcess:
        return ServiceProcess(["worker"], env=env, log=log, ready=WORKER_READY)

    def _start(self) -> ServiceProcess:
        return self.start_worker(self.env, self.log)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.2, 2 * self.every)):
            victim = self.rng.randrange(len(self.workers))
            self.workers[victim].kill()
            self.kills += 1
            if self._stop.wait(self.rng.uniform(0.1, 1.5)):
                return
            self.workers[victim] = self._start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        for worker in self.workers:
            worker.stop()
