"""The console handler writes to `sys.stderr` as it is at each record: logging configured
while stderr was redirected (a command run in-process under a capture) must not keep
writing to that stream once it is closed."""

from __future__ import annotations

import io
import logging

import pytest

from releasegate.lib.log_context import StderrHandler


def test_records_follow_stderr_after_the_stream_it_was_configured_with_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logger = logging.getLogger("releasegate.tests.stderr_handler")
    logger.propagate = False
    handler = StderrHandler()
    logger.addHandler(handler)
    try:
        first, second = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stderr", first)
        logger.warning("one")
        first.close()
        monkeypatch.setattr("sys.stderr", second)
        logger.warning("two")
    finally:
        logger.removeHandler(handler)

    assert second.getvalue() == "two\n"
