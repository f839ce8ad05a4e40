"""The background work of a `releasegate serve` process.

Deliveries are processed right after their receiving request (the inbox dispatcher);
this sweep retries what is left over (a DingTalk outage, a restart) every few seconds.
The release engine's worker will run here too.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from releasegate.config import Config
from releasegate.connections import dingtalk_client
from releasegate.releases import inbox

logger = logging.getLogger("releasegate.background")
SWEEP_SECONDS = 5.0


class Background:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="background", daemon=True)

    def start(self) -> None:
        inbox.dispatcher.source_factory = lambda: dingtalk_client(self.config)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(SWEEP_SECONDS):
            try:
                self.sweep()
            except Exception:  # the loop must outlive any one failure; it is logged
                logger.exception("background sweep failed")
            finally:
                close_old_connections()

    def sweep(self) -> int:
        """Process deliveries still pending; returns how many were looked at."""
        source = dingtalk_client(self.config)
        waiting = inbox.pending()
        for event_id in waiting:
            if self._stop.is_set():
                break
            inbox.process(event_id, source)
        return len(waiting)
