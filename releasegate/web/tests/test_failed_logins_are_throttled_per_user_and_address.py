"""Guessing passwords: after ten failed logins for one user (or thirty from one address)
both login pages answer 429 with `Retry-After`, even to the right password, without
checking it, until the limit refills; and no more than two passwords are checked at once,
so a flood cannot take the request threads from everything else."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import aauthenticate, authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from releasegate.web import login_throttle
from releasegate.web.login_throttle import LoginLimits, LoginThrottle, LoginThrottled

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PAGES = ["/accounts/login/", "/admin/login/"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(login_throttle, "throttle", LoginThrottle(clock=clock))
    return clock


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The usernames whose password was checked, in order."""
    seen: list[str] = []
    original = ModelBackend.authenticate

    def counting(self: ModelBackend, request: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(args[0] if args else kwargs.get("username")))
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return seen


def log_in(
    client: Client, page: str, username: str, password: str, address: str = "10.0.0.1"
) -> Any:
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("page", PAGES)
def test_the_eleventh_wrong_password_is_refused_and_then_the_right_one_too(
    client: Client, page: str, clock: Clock, checked: list[str]
) -> None:
    User.objects.create_user("ops", password=PASSWORD, is_staff=True)

    answers = [log_in(client, page, "ops", f"guess-{n}").status_code for n in range(10)]
    refused = log_in(client, page, "ops", "guess-10")
    right = log_in(client, page, "ops", PASSWORD)

    assert answers == [200] * 10
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert len(checked) == 10  # the refused ones were never checked


@pytest.mark.parametrize("page", PAGES)
def test_the_right_password_works_again_once_the_limit_refills(
    client: Client, page: str, clock: Clock
) -> None:
    User.objects.create_user("ops", password=PASSWORD, is_staff=True)
    for n in range(11):
        log_in(client, page, "ops", f"guess-{n}")

    clock.now += 30

    assert log_in(client, page, "ops", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"]


def test_the_user_is_throttled_from_every_address(client: Client, clock: Clock) -> None:
    for n in range(10):
        log_in(client, PAGES[0], "ops", f"guess-{n}", address=f"10.0.1.{n}")

    assert log_in(client, PAGES[0], "ops", "guess", address="10.0.2.1").status_code == 429
    assert log_in(client, PAGES[0], "dev", "guess", address="10.0.2.1").status_code == 200


def test_an_address_is_throttled_for_every_user(client: Client, clock: Clock) -> None:
    User.objects.create_user("dev", password=PASSWORD)
    for n in range(30):
        log_in(client, PAGES[0], f"user-{n}", "guess", address="10.0.0.9")

    assert log_in(client, PAGES[0], "dev", PASSWORD, address="10.0.0.9").status_code == 429
    assert log_in(client, PAGES[0], "dev", PASSWORD, address="10.0.0.8").status_code == 302


def test_a_successful_login_costs_nothing(client: Client, clock: Clock) -> None:
    User.objects.create_user("dev", password=PASSWORD)

    for _ in range(40):
        assert log_in(client, PAGES[0], "dev", PASSWORD).status_code == 302


def test_no_more_than_two_passwords_are_checked_at_once() -> None:
    throttle = LoginThrottle(LoginLimits(concurrent_checks=2))
    inside, release = threading.Semaphore(0), threading.Event()

    def slow_check() -> None:
        inside.release()
        release.wait(10)

    def log_in_slowly(name: str) -> Callable[[], object]:
        return lambda: throttle.check(name, f"10.0.0.{len(name)}", slow_check)

    threads = [threading.Thread(target=log_in_slowly(name)) for name in ("a", "bb")]
    for thread in threads:
        thread.start()
    assert inside.acquire(timeout=5) and inside.acquire(timeout=5)

    with pytest.raises(LoginThrottled) as third:
        throttle.check("ccc", "10.0.0.3", lambda: None)

    release.set()
    for thread in threads:
        thread.join()
    assert third.value.seconds == 1.0
    assert throttle.check("ccc", "10.0.0.3", lambda: None) is None


def test_an_async_login_is_throttled_alike(clock: Clock) -> None:
    request = RequestFactory().post(PAGES[0], REMOTE_ADDR="10.0.0.1")
    for n in range(10):
        assert authenticate(request, username="ops", password=f"guess-{n}") is None

    with pytest.raises(LoginThrottled):
        asyncio.run(aauthenticate(request, username="ops", password=PASSWORD))
