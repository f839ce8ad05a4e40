"""Access tokens as DingTalk issues them ("获取企业内部应用的accessToken"): 7200 s of life;
asking again while one is valid returns the same token and extends it; after expiry a new
one. One token serves both the v1.0 API and the older oapi."""

from __future__ import annotations

import secrets

TOKEN_LIFETIME = 7200


class TokenStore:
    """Callers hold the world lock."""

    def __init__(self) -> None:
        self._expires: dict[str, float] = {}
        self._current: str | None = None
        self.issued = 0

    def issue(self, now: float) -> str:
        token = self._current
        if token is None or not self.valid(token, now):
            token = secrets.token_hex(16)
            self._current = token
            self.issued += 1
        self._expires[token] = now + TOKEN_LIFETIME
        return token

    def valid(self, token: str | None, now: float) -> bool:
        return token is not None and self._expires.get(token, 0.0) > now

    def expire_all(self) -> None:
        """Every token stops working now (as if 7200 s had passed)."""
        self._expires.clear()
        self._current = None
