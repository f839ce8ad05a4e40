"""Which release the current thread is working on, for every log record it writes.

The engine step, the build watch, ingest and the outbox say which release they work on;
`ReleaseIdFilter` copies it onto each record as `release_id`, so a JSON log line about a
release can be found by its id whichever module wrote it. A context variable rather than
a thread-local: one thread works on many releases in turn, and every scope restores what
was there before it, so one release's id never leaks onto the next one's records.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TextIO, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_release_id: ContextVar[int | None] = ContextVar("release_id", default=None)


def current_release_id() -> int | None:
    return _release_id.get()


@contextmanager
def working_on(release_id: int | None) -> Iterator[None]:
    """Records written inside carry `release_id` (none with None); the previous value
    comes back on the way out."""
    token = _release_id.set(release_id)
    try:
        yield
    finally:
        _release_id.reset(token)


def bind_release(release_id: int | None) -> None:
    """From now until the enclosing `working_on` or `scoped` ends, records carry
    `release_id`: for code that learns which release it works on halfway through."""
    _release_id.set(release_id)


def scoped(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` in a scope of its own: whatever release it binds is forgotten when
    it returns, so the caller's records are not tagged with it."""

    @functools.wraps(function)
    def in_scope(*args: P.args, **kwargs: P.kwargs) -> R:
        with working_on(_release_id.get()):
            return function(*args, **kwargs)

    return in_scope


class ReleaseIdFilter(logging.Filter):
    """Adds `release_id` to records written while a release is being worked on (and
    leaves records about no release, and any `release_id` given as `extra`, alone)."""

    def filter(self, record: logging.LogRecord) -> bool:
        release_id = _release_id.get()
        if release_id is not None and not hasattr(record, "release_id"):
            record.release_id = release_id
        return True


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record is written, not when logging was
    configured (like logging's own last-resort handler). Configuring logging again while
    stderr is redirected (a command run in-process under a test's capture) would otherwise
    leave the handler writing to a stream that is closed afterwards."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self) -> TextIO:
        return sys.stderr
