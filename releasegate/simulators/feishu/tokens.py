"""Tenant access tokens as Feishu issues them ("自建应用获取 tenant_access_token"): two hours
of life; asking again while more than 30 minutes remain returns the same token with the
time it has left; inside the last 30 minutes a new one, the old one still valid until it
expires (the doc's "刷新机制"). Tokens look like the doc's example, "t-" and hex."""

from __future__ import annotations

import secrets

TOKEN_LIFETIME = 7200
REISSUE_WITHIN = 1800


class TokenStore:
    """Callers hold the world lock."""

    def __init__(self) -> None:
        self._expires: dict[str, float] = {}
        self._current: str | None = None
        self.issued = 0

    def issue(self, now: float) -> tuple[str, int]:
        """The token to hand out now and its remaining seconds (`expire`)."""
        token = self._current
        if token is None or self._expires.get(token, 0.0) - now <= REISSUE_WITHIN:
            token = f"t-{secrets.token_hex(19)}"
            self._current = token
            self._expires[token] = now + TOKEN_LIFETIME
            self.issued += 1
        return token, int(self._expires[token] - now)

    def valid(self, token: str | None, now: float) -> bool:
        return token is not None and self._expires.get(token, 0.0) > now

    def expire_all(self) -> None:
        """Every token stops working now (as if two hours had passed)."""
        self._expires.clear()
        self._current = None
