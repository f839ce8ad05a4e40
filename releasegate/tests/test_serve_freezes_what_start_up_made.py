"""`releasegate serve` runs its request threads and the worker in one interpreter: before
it answers, what start-up made is frozen out of the garbage collector's full collections,
which otherwise stopped every request while they walked it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from releasegate.cli.serve import prepare_interpreter


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_it_freezes_what_start_up_made() -> None:
    prepare_interpreter()

    assert gc.get_freeze_count() > 0
