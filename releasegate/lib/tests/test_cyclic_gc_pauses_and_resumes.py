from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from releasegate.lib.collector import cyclic_gc_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_it_pauses_the_collector_for_the_block() -> None:
    with cyclic_gc_paused():
        assert not gc.isenabled()

    assert gc.isenabled()


def test_nested_blocks_resume_only_when_the_outer_one_ends() -> None:
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()

    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_switched_off() -> None:
    gc.disable()

    with cyclic_gc_paused():
        pass

    assert not gc.isenabled()


def test_overlapping_blocks_in_threads_resume_once_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with cyclic_gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    inside.wait(5)
    with cyclic_gc_paused():
        pass
    assert not gc.isenabled()
    release.set()
    worker.join(5)

    assert gc.isenabled()


def test_it_resumes_after_an_exception() -> None:
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("boom")

    assert gc.isenabled()
