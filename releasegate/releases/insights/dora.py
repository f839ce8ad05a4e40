"""The four DORA keys and the approval lead time of the releases that ended in a range.

Which releases count: those that ended with a build outcome (SUCCEEDED, FAILED, UNSTABLE
or ABORTED) between `since` and `until`, by `finished_at`. A REJECTED or CANCELLED
release never ran, and an ERROR is ReleaseGate giving up before knowing what the build
did: none of them changed production, so none is counted.

- deployments: the SUCCEEDED ones (rollbacks included: they change production too);
- change failures: the FAILED, UNSTABLE and ABORTED ones, and any that was rolled back;
  the rate is failures over all counted releases;
- time to restore: from a failure's end to the end of its application's next SUCCEEDED
  release; a failure not followed by a success yet is counted as not restored;
- lead time for changes: from the earliest commit of the build's change set
  (`first_commit_at`) to the release succeeding. Only releases whose commit time is known
  count; with none known it is None, never a guess;
- approval lead time: asked (the approval's creation on its platform) → approved (its
  completion there, else our receiving it) → triggered (the trigger POST to Jenkins).

Counts are exact. Medians are exact up to `SAMPLE_LIMIT` releases in the range; beyond,
they are read from every n-th release (by id, so the same releases each time, spread
evenly over the range), and `Insights.sampled_one_in` says n. Sorting every duration of
a busy year in Python would cost the page seconds; a median of 5,000 even samples moves
by minutes, not hours.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, cast

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from releasegate.releases.insights.durations import Medians, Seconds, numbers, week_number
from releasegate.releases.models import Release, ReleaseState

S = ReleaseState
ENDED = (S.SUCCEEDED, S.FAILED, S.UNSTABLE, S.ABORTED)
FAILED = (S.FAILED, S.UNSTABLE, S.ABORTED)
SAMPLE_LIMIT = 5000
LISTED_ROLLBACKS = 500


@dataclass(frozen=True)
class Scope:
    """Releases that ended in [since, until), of one project and/or one application
    (its full name) when given."""

    since: datetime
    until: datetime
    project: str = ""
    application: str = ""


@dataclass
class Figures:
    """Counts and medians (in seconds; None when nothing was measured)."""

    ended: int = 0
    deployments: int = 0
    failures: int = 0
    not_restored: int = 0
    time_to_restore: float | None = None
    lead_time_for_changes: float | None = None
    # How many succeeded releases had a known commit time.
    commit_times_known: int = 0
    asked_to_approved: float | None = None
    approved_to_triggered: float | None = None

    @property
    def change_failure_rate(self) -> float | None:
        return self.failures / self.ended if self.ended else None


@dataclass
class Week:
    start: date
    figures: Figures


@dataclass
class Insights:
    scope: Scope
    total: Figures
    weeks: list[Week] = field(default_factory=list)
    # The medians were read from every n-th release (1: from all).
    sampled_one_in: int = 1

    @property
    def deployments_per_week(self) -> float:
        days = (self.scope.until - self.scope.since).total_seconds() / 86400
        return self.total.deployments * 7 / days if days > 0 else 0.0


def insights(scope: Scope) -> Insights:
    """The figures of `scope`, in total and for each week (Monday to Sunday in the
    current time zone) from the one holding `since` to the one holding `until`."""
    ended = _ended(scope)
    starts = _week_starts(scope)
    week = week_number("finished_at", starts)
    weeks = [Figures() for _ in starts]
    total = Figures()
    rolled_back = _rolled_back(scope)
    failure = _failure(rolled_back)
    _count(scope, [scope.since, *starts[1:], scope.until], weeks, total, rolled_back)
    total.not_restored = ended.filter(failure, ~Exists(_next_success())).count()
    step = -(-total.ended // SAMPLE_LIMIT) or 1
    sample = _sample(ended, step)
    _restores(_sample(ended.filter(failure), step), week, weeks, total)
    _medians(sample, week, weeks, total)
    days = [timezone.localtime(start).date() for start in starts]
    listed = [Week(day, figures) for day, figures in zip(days, weeks, strict=True)]
    return Insights(scope, total, listed, sampled_one_in=step)


def _sample(ended: QuerySet[Release], step: int) -> QuerySet[Release]:
    """Every `step`-th of `ended`, by id. `%`, not Django's Mod: SQLite runs that as a
    Python function, once per release. SQLite tests the id in the index of ended
    releases before it reads a row; PostgreSQL tests it on the row, so there the ids are
    picked from that index alone first, and only their rows are read (a year: 30 ms
    instead of 60 reading every release's row; on SQLite, the direct test is quicker)."""
    if step == 1:
        return ended
    picked = ended.annotate(_one_in=F("pk") % step).filter(_one_in=0)
    if connections[ended.db].vendor != "postgresql":
        return picked
    return Release.objects.order_by().filter(pk__in=picked.values("pk"))


def _ended(
    scope: Scope, since: datetime | RawSQL | None = None, until: datetime | RawSQL | None = None
) -> QuerySet[Release]:
    """The releases of `scope` that ended in it, or between `since` and `until` in it."""
    # Without the model's ordering: every query here sorts, if at all, by what it needs.
    rows = Release.objects.order_by().filter(
        state__in=ENDED,
        finished_at__gte=since or scope.since,
        finished_at__lt=until or scope.until,
    )
    if scope.project:
        rows = rows.filter(project_key=scope.project)
    if scope.application:
        rows = rows.filter(application_name=scope.application)
    return rows


def _rolled_back(scope: Scope) -> list[int] | None:
    """The ids of the releases rolled back since the range began, or None when there
    are more than `LISTED_ROLLBACKS`. Rollbacks are few: their ids are read once, so the
    database does not look for a rollback of every release."""
    # A rollback is received after the release it rolls back ended: only the rollbacks
    # since the range began are read (index release_rollbacks). Some may roll back a
    # release outside the range; the range's own filter leaves those out.
    rollbacks = (
        Release.objects.order_by()
        # `IN (true)`, not the bare column SQLite reads `is_rollback=True` as, which
        # no index serves.
        .filter(is_rollback__in=[True], received_at__gte=scope.since, rollback_of__isnull=False)
        .values_list("rollback_of_id", flat=True)
    )
    rolled_back = sorted(set(rollbacks[: LISTED_ROLLBACKS + 1]))
    return None if len(rolled_back) > LISTED_ROLLBACKS else rolled_back


def _failure(rolled_back: list[int] | None) -> Q:
    """Failed, or rolled back: one of `rolled_back`, or, when they were too many to
    list (None), any release a rollback names, asked release by release."""
    if rolled_back is None:
        return Q(state__in=FAILED) | Q(Exists(Release.objects.filter(rollback_of=OuterRef("pk"))))
    return Q(state__in=FAILED) | Q(pk__in=rolled_back)


def _count(
    scope: Scope,
    edges: list[datetime],
    weeks: list[Figures],
    total: Figures,
    rolled_back: list[int] | None,
) -> None:
    """Each week's counts, one aggregate per week joined by UNION ALL: each reads its own
    week's releases from the index (state, finished_at). Numbering every release's week
    with a CASE and grouping by it cost four times as much on SQLite (a sort of every
    release: 55 ms against 13 at 100,000). Two years make 105 parts, within SQLite's
    limit of 500 on a compound SELECT. Each part has its week's edges as its only range:
    given the range's too, SQLite read the whole range for every week. One part is
    compiled, and repeated with each week's parameters: a queryset built and compiled
    for each week cost 20 ms more.

    The parts count the failed states; the listed rollbacks (not a list in each part:
    105 of them would pass SQLite's limit on a statement's parameters) are added after,
    each in the week it ended."""
    failed = _failure(None) if rolled_back is None else Q(state__in=FAILED)
    part = (
        _ended(scope, _given(_SINCE, DateTimeField()), _given(_UNTIL, DateTimeField()))
        .values(week=_given(_WEEK, IntegerField()))
        # Counting a column of the index (never NULL), not the id: PostgreSQL then
        # counts from the index alone, without a read of each release's row.
        .annotate(
            ended=Count("state"),
            deployments=Count("state", filter=Q(state=S.SUCCEEDED)),
            failures=Count("state", filter=failed),
        )
    )
    sql, params = part.query.sql_with_params()
    connection = connections[part.db]
    adapt = connection.ops.adapt_datetimefield_value
    every: list[Any] = []
    for number, (start, end) in enumerate(pairwise(edges)):
        given = {id(_WEEK): number, id(_SINCE): adapt(start), id(_UNTIL): adapt(end)}
        every += [given.get(id(value), value) for value in params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([sql] * len(weeks)), every)
        for number, *counts in cursor:
            for name, count in zip(("ended", "deployments", "failures"), counts, strict=True):
                setattr(weeks[number], name, count)
                setattr(total, name, getattr(total, name) + count)
    if rolled_back:
        restored_later = _ended(scope).filter(pk__in=rolled_back).exclude(state__in=FAILED)
        # Never NULL: the range is on it.
        ends = cast("list[datetime]", list(restored_later.values_list("finished_at", flat=True)))
        for finished_at in ends:
            weeks[bisect_right(edges, finished_at) - 1].failures += 1
            total.failures += 1


# Stand-ins for a week's number and edges in the part `_count` compiles once.
_WEEK, _SINCE, _UNTIL = object(), object(), object()


class _Given(RawSQL):
    """A parameter of the compiled part: a constant of the part, so not grouped by."""

    def get_group_by_cols(self) -> list[Any]:
        return []


def _given(stand_in: object, field: Field[Any, Any]) -> RawSQL:
    return _Given("%s", (stand_in,), output_field=field)


def _restores(
    failures: QuerySet[Release], week: Case, weeks: list[Figures], total: Figures
) -> None:
    """Each failure to its application's next success, in the failure's week."""
    durations = failures.annotate(
        restored_at=Subquery(_next_success().values("finished_at")[:1])
    ).values_list(week, Seconds(F("restored_at"), F("finished_at")))
    restores = Medians(len(weeks))
    for number, seconds in numbers(durations):
        restores.add(number, seconds)
    for figures, median in zip(weeks, restores.weekly(), strict=True):
        figures.time_to_restore = median
    total.time_to_restore = restores.overall()


def _next_success() -> QuerySet[Release]:
    """The SUCCEEDED releases of the outer release's application that ended after it,
    first first."""
    return Release.objects.order_by("finished_at").filter(
        application_name=OuterRef("application_name"),
        state=S.SUCCEEDED,
        finished_at__gt=OuterRef("finished_at"),
    )


def _medians(ended: QuerySet[Release], week: Case, weeks: list[Figures], total: Figures) -> None:
    """Lead time for changes (succeeded releases only) and the approval lead time, from
    one scan of the releases that ended."""
    approved = Coalesce(F("approval__finished_at_provider"), F("received_at"))
    measures = {
        "lead_time_for_changes": Case(
            When(state=S.SUCCEEDED, then=Seconds(F("finished_at"), F("first_commit_at")))
        ),
        "asked_to_approved": Seconds(
            F("approval__finished_at_provider"), F("approval__created_at_provider")
        ),
        "approved_to_triggered": Seconds(F("trigger_attempted_at"), approved),
    }
    gathered = {name: Medians(len(weeks)) for name in measures}
    for number, *values in numbers(ended.values_list(week, *measures.values())):
        for medians, value in zip(gathered.values(), values, strict=True):
            medians.add(number, value)
    for name, medians in gathered.items():
        for figures, median in zip(weeks, medians.weekly(), strict=True):
            setattr(figures, name, median)
        setattr(total, name, medians.overall())
    total.commit_times_known = gathered["lead_time_for_changes"].count


def _week_starts(scope: Scope) -> list[datetime]:
    """Midnight of each Monday in the dashboard's time zone, from the week holding
    `since` to the one holding `until`."""
    first = timezone.localtime(scope.since).date()
    last = timezone.localtime(scope.until - timedelta(microseconds=1)).date()
    monday = first - timedelta(days=first.weekday())
    starts = []
    while monday <= last:
        starts.append(timezone.make_aware(datetime.combine(monday, time.min)))
        monday += timedelta(days=7)
    return starts
