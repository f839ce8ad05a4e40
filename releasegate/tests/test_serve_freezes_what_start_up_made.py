"""`releasegate serve` runs its request threads and the worker in one interpreter: before
it answers, what start-up made is frozen out of the garbage collector's full collections,
which otherwise stopped every request while they walked it; and once more, once, after
its first requests, which import and compile what lives as long as the process too."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from releasegate.cli.serve import SettleAfter, prepare_interpreter


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_it_freezes_what_start_up_made() -> None:
    prepare_interpreter()

    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_it_freezes_again_once_after_its_first_requests() -> None:
    answered: list[str] = []

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answered.append(environ["PATH_INFO"])
        return [b"ok"]

    def request(settling: SettleAfter, n: int) -> None:
        settling({"PATH_INFO": f"/{n}"}, lambda *_: None)

    settling = SettleAfter(application, after=3)
    gc.unfreeze()
    for n in range(2):
        request(settling, n)
    assert gc.get_freeze_count() == 0

    request(settling, 2)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    # Objects made since: a second freeze would take them out of sight too.
    made_since: list[list[int]] = [[] for _ in range(100)]
    for n in range(3, 6):
        request(settling, n)

    assert gc.get_freeze_count() == frozen
    assert len(made_since) == 100
    assert answered == [f"/{n}" for n in range(6)]
