"""Failed logins, throttled per user and per client address, before any password is hashed.

Every password login (the dashboard's `/accounts/login/`, the admin's `/admin/login/`)
goes through Django's `authenticate()` and so through `ThrottledModelBackend`. The REST
API takes tokens and sessions, never passwords.

Why ReleaseGate's own limiter (`releasegate.lib.ratelimit`, the one in front of the public
endpoints) and not django-axes: a login flood is also an attack on everything else the
process serves. Checking a password costs ~0.25 s of CPU on purpose (PBKDF2), and
ReleaseGate is one process of a few threads that must answer DingTalk's connector calls
within seconds. So what matters is that a refused attempt costs nothing (a dictionary
lookup; axes writes a database row per attempt) and that at most `concurrent_checks`
passwords are checked at once, whoever sends them, so a flood from many addresses still
leaves request threads and CPU free (axes has no such bound). The price of an in-memory
limiter: each process counts on its own and forgets on restart (docs/security.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from releasegate.lib.ratelimit import RateLimiter, retry_after

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger("releasegate.login")


@dataclass(frozen=True)
class LoginLimits:
    # A person who forgot their password gets ten tries, then one every 30 s: 120 guesses
    # an hour at most against any one account, from anywhere.
    user_burst: int = 10
    user_rate: float = 1 / 30
    # One address (an office behind NAT has many people) gets 30, then one every 10 s.
    address_burst: int = 30
    address_rate: float = 1 / 10
    # Passwords checked at once by this process; one more is refused (retry in a second).
    concurrent_checks: int = 2


class LoginThrottled(Exception):
    """A login refused before its password was checked. Not a PermissionDenied, which
    `authenticate()` would swallow into an ordinary "wrong password": the middleware
    below answers it with 429 and `Retry-After`."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds, self.reason = seconds, reason


class LoginThrottle:
    """Thread-safe. `clock` gives monotonic seconds."""

    def __init__(
        self, limits: LoginLimits = LoginLimits(), clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self._users = RateLimiter(limits.user_rate, limits.user_burst)
        self._addresses = RateLimiter(limits.address_rate, limits.address_burst)
        self._checks = threading.BoundedSemaphore(limits.concurrent_checks)

    def check(
        self, username: str, address: str, authenticate: Callable[[], User | None]
    ) -> User | None:
        """What `authenticate()` returns (None: the password was wrong, which counts
        against `username` and `address`). Raises LoginThrottled, without calling it,
        while either has too many recent failures or while the process is already
        checking as many passwords as it may."""
        user_key = "user:" + username.casefold()
        now = self.clock()
        wait = max(self._users.waiting(user_key, now), self._addresses.waiting(address, now))
        if wait:
            raise LoginThrottled(wait, _("Too many failed logins."))
        if not self._checks.acquire(blocking=False):
            raise LoginThrottled(1.0, _("Too many logins at once."))
        try:
            user = authenticate()
        finally:
            self._checks.release()
        if user is None:
            self._failed(user_key, username, address)
        return user

    def _failed(self, user_key: str, username: str, address: str) -> None:
        now = self.clock()
        self._users.admit(user_key, now)
        self._addresses.admit(address, now)
        # Said when a limit is reached, not for each refusal after it (those are never
        # checked, so they never come here): once per refill at most.
        if self._users.waiting(user_key, now):
            logger.warning("failed logins as %r are throttled", username)
        if self._addresses.waiting(address, now):
            logger.warning("failed logins from %s are throttled", address)


throttle = LoginThrottle()


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend behind `throttle` for logins made over the web. Without a
    request (a management command, a test's `Client.login`) nothing is throttled."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        def check() -> User | None:
            return super(ThrottledModelBackend, self).authenticate(
                request, username, password, **kwargs
            )

        if request is None:
            return check()
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        return throttle.check(str(name or ""), str(request.META.get("REMOTE_ADDR") or "?"), check)

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """The same for an async login view: ModelBackend's own would skip the throttle."""
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)


class LoginThrottledMiddleware:
    """Answers a LoginThrottled from any login view with 429 and `Retry-After`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LoginThrottled):
            return None
        wait = retry_after(exception.seconds)
        said = _("Try again in %(seconds)s seconds.") % {"seconds": wait}
        response = HttpResponse(
            f"<!doctype html><title>429</title><p>{escape(exception.reason)} {escape(said)}</p>",
            status=429,
        )
        response["Retry-After"] = wait
        return response
