"""Access tokens and jsapi tickets as WeCom issues them (获取access_token, JS-SDK 签名算法):
two hours of life (`expires_in` 7200); asking again while one is valid returns it with
the time it has left (UNCONFIRMED: the doc only says to cache it), a new one once it
expired. A token the simulator issued and that expired answers 42001, one it never
issued 40014 (reference §5.2: both are seen for stale tokens)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
from typing import Literal

LIFETIME = 7200
TokenState = Literal["valid", "expired", "unknown"]
TicketKind = Literal["agent_config", "corp"]


class TokenStore:
    """Callers hold the world lock."""

    def __init__(self) -> None:
        self._expires: dict[str, float] = {}
        self._current: str | None = None
        self.issued = 0

    def issue(self, now: float) -> tuple[str, int]:
        """The token to hand out now and its remaining seconds (`expires_in`)."""
        token = self._current
        if token is None or self._expires[token] <= now:
            # WeCom's tokens are long opaque strings of letters, digits, - and _.
            token = secrets.token_urlsafe(96)[:128]
            self._current = token
            self._expires[token] = now + LIFETIME
            self.issued += 1
        return token, int(self._expires[token] - now)

    def state(self, token: str, now: float) -> TokenState:
        expires = self._expires.get(token)
        if expires is None:
            return "unknown"
        return "valid" if expires > now else "expired"

    def expire_all(self, now: float) -> None:
        """Every token stops working now (as if two hours had passed): 42001 from now on."""
        for token in self._expires:
            self._expires[token] = min(self._expires[token], now)


class TicketStore:
    """The corp's jsapi_ticket and the app's agent_config ticket. Tickets are derived
    from the settings' `ticket_secret` and a generation count, so a run is repeatable."""

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._generation = itertools.count(1)
        self._current: dict[TicketKind, tuple[str, float]] = {}

    def issue(self, kind: TicketKind, now: float) -> tuple[str, int]:
        found = self._current.get(kind)
        if found is None or found[1] <= now:
            mac = hmac.new(
                self._secret.encode(), f"{kind}:{next(self._generation)}".encode(), hashlib.sha256
            ).digest()
            found = (base64.urlsafe_b64encode(mac * 2).decode().rstrip("="), now + LIFETIME)
            self._current[kind] = found
        return found[0], int(found[1] - now)

    def current(self, kind: TicketKind, now: float) -> str | None:
        """The valid ticket of `kind`, or None when it was never issued or expired."""
        found = self._current.get(kind)
        return found[0] if found is not None and found[1] > now else None

    def expire_all(self, now: float) -> None:
        for kind, (ticket, expires) in list(self._current.items()):
            self._current[kind] = (ticket, min(expires, now))
