"""The approval platforms this configuration enables, by name.

The domain owns the registry but knows no platform: `releasegate.platforms` hands it each
platform's factory (a plain dict, in the order requests prefer them), and a factory gives
a `Provider` when its settings are present, None otherwise. Providers are built from the
configuration in force (`settings.CONFIG`) the first time it is asked for, without any
network call, and kept while that configuration stays.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings

from releasegate.config import Config
from releasegate.releases.approvals.ports import ApprovalSource, Messenger

T = TypeVar("T")


class NotEnabled(LookupError):
    """No enabled platform has this name (its settings are missing)."""


@dataclass(frozen=True)
class Recurring:
    """Work a platform needs done every `every` by one of the workers: `work(now)`
    returns what it did."""

    name: str
    every: timedelta
    work: Callable[[datetime], str]


@dataclass(frozen=True)
class Provider:
    """One enabled approval platform."""

    name: str
    source: ApprovalSource
    # None: the platform cannot message people (they are told on the dashboard).
    messenger: Messenger | None = None
    # A group chat (robot) gets every release's news too.
    group_chat: bool = False
    # Looking for approvals whose news was lost: how often (zero: never), how far back.
    reconcile_every: timedelta = timedelta(0)
    reconcile_lookback: timedelta = timedelta(hours=24)
    # Whether people can start a release request in it from ReleaseGate.
    starts_requests: bool = True
    # Raises the platform's error when it refuses the credentials or cannot be reached
    # (the readiness probe and the preflight call it; it may call the platform).
    check: Callable[[], object] | None = None
    # Periodic work of its own (ReleaseGate's approvals expire undecided requests).
    recurring: tuple[Recurring, ...] = ()


ProviderFactory = Callable[[Config], Provider | None]

_factories: dict[str, ProviderFactory] = {}
_lock = threading.Lock()
_built: tuple[Config, dict[str, Provider]] | None = None


def use(factories: Mapping[str, ProviderFactory]) -> None:
    """Install the platforms' factories (once, at start-up)."""
    global _built
    with _lock:
        _factories.clear()
        _factories.update(factories)
        _built = None


def rebuild() -> None:
    """Build the providers afresh at the next look (after a platform's shared client
    was replaced: tests point it at a simulator)."""
    global _built
    with _lock:
        _built = None


def known() -> tuple[str, ...]:
    """Every platform ReleaseGate has, enabled or not."""
    return tuple(_factories)


def enabled(config: Config | None = None) -> dict[str, Provider]:
    """The platforms the configuration enables, by name, in order of preference."""
    global _built
    current = config or settings.CONFIG
    with _lock:
        if _built is None or _built[0] is not current:
            made = {name: factory(current) for name, factory in _factories.items()}
            _built = (current, {name: p for name, p in made.items() if p is not None})
        return dict(_built[1])


def get(name: str, config: Config | None = None) -> Provider:
    """The enabled platform called `name`. Raises `NotEnabled`."""
    found = enabled(config).get(name)
    if found is None:
        raise NotEnabled(_not_enabled(name))
    return found


def for_requests(config: Config | None = None) -> Provider:
    """The platform new release requests start in: the first enabled one that starts
    requests. Raises `NotEnabled` when there is none."""
    for provider in enabled(config).values():
        if provider.starts_requests:
            return provider
    raise NotEnabled("no approval platform is configured (see docs/configuration.md)")


def _not_enabled(name: str) -> str:
    if name not in _factories:
        return f"{name!r} is not an approval platform ReleaseGate knows"
    return f"{name} is not configured (see docs/configuration.md)"


class _Lazy(Mapping[str, T]):
    """A read-only view by platform name that looks at the configuration in force at
    each access (tests and `releasegate check` change it)."""

    def __init__(self, pick: Callable[[Provider], T | None]) -> None:
        self._pick = pick

    def _current(self) -> dict[str, T]:
        return {
            name: picked
            for name, provider in enabled().items()
            if (picked := self._pick(provider)) is not None
        }

    def __getitem__(self, name: str) -> T:
        current = self._current()
        if name not in current:
            raise KeyError(name)
        return current[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


def sources() -> Mapping[str, ApprovalSource]:
    """Every enabled platform's approval source, by name."""
    return _Lazy(lambda provider: provider.source)


def messengers() -> Mapping[str, Messenger]:
    """Every enabled platform's messenger, by name (those that have one)."""
    return _Lazy(lambda provider: provider.messenger)
