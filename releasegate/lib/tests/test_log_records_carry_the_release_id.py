from __future__ import annotations

import logging

from releasegate.lib.log_context import (
    ReleaseIdFilter,
    bind_release,
    current_release_id,
    scoped,
    working_on,
)


def tagged(message: str) -> object:
    record = logging.LogRecord("test", logging.INFO, __file__, 1, message, None, None)
    ReleaseIdFilter().filter(record)
    return getattr(record, "release_id", None)


def test_a_record_about_no_release_has_no_release_id() -> None:
    assert tagged("idle") is None


def test_a_record_written_while_working_on_a_release_carries_its_id() -> None:
    with working_on(12):
        assert tagged("triggering") == 12
    assert tagged("after") is None


def test_nested_work_restores_the_outer_release() -> None:
    with working_on(1):
        with working_on(2):
            assert tagged("inner") == 2
        assert tagged("outer again") == 1


def test_a_release_bound_in_a_scoped_function_does_not_leak_to_its_caller() -> None:
    @scoped
    def ingest() -> int | None:
        bind_release(7)
        return current_release_id()

    assert ingest() == 7
    assert current_release_id() is None
    assert tagged("next delivery") is None


def test_an_explicit_release_id_is_left_alone() -> None:
    record = logging.LogRecord("test", logging.INFO, __file__, 1, "m", None, None)
    record.release_id = 3
    with working_on(4):
        ReleaseIdFilter().filter(record)
    assert getattr(record, "release_id", None) == 3
