"""Durations between two stored times, in seconds, computed by the database; the week a
time falls in; and medians per week.

SQLite has no interval type and neither it nor Django has a portable median. So the
database turns each pair of times into seconds (`Seconds`, in each database's words) and
numbers each row's week (`week_number`), and Python, receiving only these two numbers per
release, sorts them (`Medians`). Measured at 100,000 releases on SQLite: this one scan
beat window functions (ROW_NUMBER over each week) several times over, since each window
costs the database a sort of every row (bench/dashboard.py, its insights part).

Weeks are numbered by comparing with their edges rather than by `TruncWeek`: on SQLite,
TruncWeek calls back into Python for every row (with its time zone conversion), which
costs seconds at 100,000 releases, while a CASE of comparisons stays in the database
engine; and edges computed in the dashboard's time zone stay right where clocks change.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Case, FloatField, Func, IntegerField, QuerySet, Value, When


class Seconds(Func):
    """`end - start` in seconds, as a float; NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # julianday is a float of days: about 10 microseconds of noise, rounded away.
        template = "ROUND((julianday(%(expressions)s)) * 86400.0, 3)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "EXTRACT(EPOCH FROM (%(expressions)s))::float"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)


def week_number(field: str, starts: Sequence[datetime]) -> Case:
    """The index in `starts` (ascending week starts) of the week `field` falls in; the
    last for anything after the last start. The CASE halves the weeks at each level, so
    a row is compared with about log2(weeks) edges, not with every one."""
    return _halving(field, starts, 0, len(starts))


def _halving(field: str, starts: Sequence[datetime], low: int, high: int) -> Case:
    # Weeks low..high-1: the row is in one of them.
    if high - low == 1:
        return Case(default=Value(low), output_field=IntegerField())
    middle = (low + high) // 2
    return Case(
        When(**{f"{field}__lt": starts[middle]}, then=_halving(field, starts, low, middle)),
        default=_halving(field, starts, middle, high),
        output_field=IntegerField(),
    )


def numbers(rows: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a `values_list` of numbers as the database gives them. Django's
    per-value converters, which these plain numbers do not need, cost more than
    reading them (measured: 8 microseconds a row on SQLite)."""
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor


class Medians:
    """Values gathered per week (by number), then their medians."""

    def __init__(self, weeks: int) -> None:
        self._weekly: list[list[float]] = [[] for _ in range(weeks)]

    def add(self, week: int, value: float | None) -> None:
        if value is not None:
            self._weekly[week].append(value)

    @property
    def count(self) -> int:
        return sum(len(values) for values in self._weekly)

    def weekly(self) -> list[float | None]:
        return [statistics.median(values) if values else None for values in self._weekly]

    def overall(self) -> float | None:
        everything = [value for values in self._weekly for value in values]
        return statistics.median(everything) if everything else None
