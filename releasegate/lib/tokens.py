"""An access token that a platform issues for a while, shared by every thread of one
client (DingTalk's app token, Feishu's tenant token)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from releasegate.lib.redact import register_secret

Clock = Callable[[], float]


class AccessTokens:
    """The current token, fetched again a margin before it expires.

    One lock covers fetching: threads that find no valid token, or that were refused the
    same stale token, wait for a single fetch instead of each making their own.
    `fetch` returns the token and the seconds it lives.
    """

    def __init__(self, fetch: Callable[[], tuple[str, int]], clock: Clock, margin: int) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def current(self) -> str:
        """The cached token, fetched first when there is none or it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                return self._refill()
            return self._token

    def refresh(self, refused: str) -> str:
        """A token to use instead of `refused`: fetched anew unless another thread
        already replaced it while this one waited."""
        with self._lock:
            if self._token is None or self._token == refused:
                return self._refill()
            return self._token

    def _refill(self) -> str:
        token, lives = self._fetch()
        register_secret(token, temporary=True)
        self._token = token
        self._expires_at = self._clock() + max(lives - self._margin, 1)
        return token
