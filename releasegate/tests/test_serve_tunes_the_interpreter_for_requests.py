"""`releasegate serve` runs its request threads and the worker in one interpreter: before
it answers, the GIL is set to change hands sooner than Python's default and what start-up
made is frozen out of the garbage collector's full collections."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from releasegate.cli.serve import SWITCH_INTERVAL_SECONDS, prepare_interpreter


@pytest.fixture
def restored_interpreter() -> Iterator[None]:
    interval = sys.getswitchinterval()
    yield
    sys.setswitchinterval(interval)
    gc.unfreeze()


@pytest.mark.usefixtures("restored_interpreter")
def test_it_shortens_the_switch_interval_and_freezes_what_start_up_made() -> None:
    prepare_interpreter()

    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_SECONDS)
    assert SWITCH_INTERVAL_SECONDS < 0.005  # Python's default
    assert gc.get_freeze_count() > 0
