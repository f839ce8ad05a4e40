"""A page of the releases list without counting the releases.

Counting every release that matches the filters costs a read of all of them (on 100,000
releases, most of the time a list page took); a page only needs its own rows and whether
an older page exists, which one more row tells. The count is made only when a page past
the end is asked for, to land on the last one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from releasegate.releases.models import Release


@dataclass(frozen=True)
class ReleasePage:
    number: int
    releases: list[Release]
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_of(releases: QuerySet[Release], number: int, size: int) -> ReleasePage:
    """Page `number` (from 1) of `releases`, `size` rows; the last page when `number` is
    past the end, the first one when there are no releases."""
    found = _rows(releases, number, size)
    if found or number == 1:
        return ReleasePage(number, found[:size], len(found) > size)
    last = max(1, -(-releases.count() // size))
    found = _rows(releases, last, size)
    return ReleasePage(last, found[:size], len(found) > size)


def _rows(releases: QuerySet[Release], number: int, size: int) -> list[Release]:
    start = (number - 1) * size
    return list(releases[start : start + size + 1])
