"""The chaos run's monkey: at a random moment every few seconds it SIGKILLs one of the two
`releasegate worker` processes, or now and then (`STREAM_SHARE`) one platform's
`releasegate stream`, or more rarely (`SERVE_SHARE`) `releasegate serve`, the web side
every platform pushes to, and starts it again (see chaos.py). A killed `serve` comes
back on the same port, as behind a load balancer: what was pushed meanwhile, the
platforms' retries or the reconcile must bring in."""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from releasegate.lib.process import ServiceProcess

logger = logging.getLogger("chaos.monkey")
WORKER_READY = re.compile(r"worker running")
# The share of kills that hit a `stream`, and the share that hit `serve`; the rest hit a
# worker.
STREAM_SHARE = 0.25
SERVE_SHARE = 0.1
# The kill that hits `serve` whatever the draws (the third).
SERVE_FOR_SURE = 3
# A process that does not come back is started again this many times, a few seconds
# apart (on a loaded machine one may miss its start-up deadline).
START_ATTEMPTS = 3


class Monkey:
    """Kills and restarts workers, streams and `serve`; `kills` counts them by kind."""

    def __init__(
        self,
        workers: list[ServiceProcess],
        others: Mapping[str, Callable[[], ServiceProcess]],
        running: dict[str, ServiceProcess],
        env: dict[str, str],
        log: Any,
        rng: random.Random,
        every: float,
    ) -> None:
        """`others` starts each other process again, by name ("serve", or "stream:" and
        the platform); `running` holds the one now."""
        self.workers, self.env, self.log, self.rng, self.every = workers, env, log, rng, every
        self.others, self.running = others, running
        self.kills: dict[str, int] = {"worker": 0, "stream": 0, "serve": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="monkey", daemon=True)

    @staticmethod
    def start_worker(env: dict[str, str], log: Any) -> ServiceProcess:
        return ServiceProcess(["worker"], env=env, log=log, ready=WORKER_READY)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.2, 2 * self.every)):
            name = self._victim()
            if name is None:
                victim = self.rng.randrange(len(self.workers))
                self.workers[victim].kill()
                self.kills["worker"] += 1
                if self._stop.wait(self.rng.uniform(0.1, 1.5)):
                    return
                self.workers[victim] = _started(lambda: self.start_worker(self.env, self.log))
                continue
            self.running[name].kill()
            self.kills[name.split(":")[0]] += 1
            if self._stop.wait(self.rng.uniform(0.1, 1.5)):
                return
            self.running[name] = _started(self.others[name])

    def _victim(self) -> str | None:
        """The name of the process to kill next among `others`; None for a worker. The
        third kill is `serve`'s, so that even a short run kills it once."""
        draw = self.rng.random()
        serve_due = sum(self.kills.values()) == SERVE_FOR_SURE - 1 and not self.kills["serve"]
        if (serve_due or draw < SERVE_SHARE) and "serve" in self.others:
            return "serve"
        streams = sorted(name for name in self.others if name.startswith("stream:"))
        if streams and draw < SERVE_SHARE + STREAM_SHARE:
            return self.rng.choice(streams)
        return None

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=90)
        for process in [*self.workers, *self.running.values()]:
            process.stop()


def _started(start: Callable[[], ServiceProcess]) -> ServiceProcess:
    """`start()`, tried again when the process does not come up."""
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return start()
        except RuntimeError:
            if attempt == START_ATTEMPTS:
                raise
            logger.warning("a restarted process did not come up; starting it again")
            time.sleep(2)
    raise AssertionError("unreachable")
