"""When a release may run: the requested time against the horizon, the release windows
and the freezes of the configuration. Messages are written for the tester who filled in
the form, because that is who reads them first: `Refusal`s about the release time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_noop

from releasegate.config import ReleaseOptions, ReleaseWindow
from releasegate.releases.holidays import holiday_day
from releasegate.releases.recurring import describe_recurring, frozen_by, occurrences
from releasegate.releases.refusals import RELEASE_TIME, SENTENCE_SEPARATOR, Listing, Phrase, Refusal

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    "mon": gettext_noop("Mon"),
    "tue": gettext_noop("Tue"),
    "wed": gettext_noop("Wed"),
    "thu": gettext_noop("Thu"),
    "fri": gettext_noop("Fri"),
    "sat": gettext_noop("Sat"),
    "sun": gettext_noop("Sun"),
}


@dataclass(frozen=True)
class TimeDecision:
    """When to run (None: now), or why not at all."""

    run_at: datetime | None
    problem: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.problem is None


def decide_release_time(
    requested: datetime | None, options: ReleaseOptions, now: datetime
) -> TimeDecision:
    """Empty or just passed (within the tolerance): now. Further in the past, or beyond
    the horizon: refused. Otherwise the time must fall in a window and outside freezes."""
    local_now = now.astimezone(options.zone)
    if requested is not None:
        requested = requested.astimezone(options.zone)
        if requested < local_now - timedelta(minutes=options.past_tolerance_minutes):
            said = gettext_noop("The release time %(time)s has passed: choose another")
            return TimeDecision(None, _refusal(said, time=f"{requested:%Y-%m-%d %H:%M}"))
        if requested > local_now + timedelta(days=options.horizon_days):
            said = gettext_noop(
                "The release time cannot be more than %(days)s days ahead (%(time)s)"
            )
            when = f"{requested:%Y-%m-%d %H:%M}"
            return TimeDecision(None, _refusal(said, days=options.horizon_days, time=when))
        if requested <= local_now:
            requested = None
    effective = requested or local_now
    problem = closed_at(effective, options)
    return TimeDecision(requested, problem)


def _refusal(said: str, **values: object) -> Refusal:
    return Refusal(said, field=RELEASE_TIME, parameter="", **values)


def closed_at(moment: datetime, options: ReleaseOptions) -> Refusal | None:
    """Why releases are closed at `moment`, or None when they are open."""
    local = moment.astimezone(options.zone)
    naive = local.replace(tzinfo=None)
    for freeze in options.freezes:
        start, end = freeze.start.replace(tzinfo=None), freeze.end.replace(tzinfo=None)
        if start <= naive < end:
            return _refusal(
                gettext_noop("%(time)s is in a release freeze: %(reason)s (%(start)s to %(end)s)"),
                time=f"{local:%Y-%m-%d %H:%M}",
                reason=freeze.reason,
                start=f"{start:%m-%d %H:%M}",
                end=f"{end:%m-%d %H:%M}",
            )
    calendar_problem = _calendar_freeze(local, options)
    if calendar_problem:
        return calendar_problem
    working_weekend = holiday_day(local.date(), options.holidays).working_weekend
    if options.windows and not any(
        _inside(window, local, working_weekend) for window in options.windows
    ):
        allowed = Listing((describe_window(w) for w in options.windows), SENTENCE_SEPARATOR)
        said = gettext_noop("%(time)s is outside the release windows (allowed: %(allowed)s)")
        return _refusal(said, time=f"{local:%Y-%m-%d %H:%M}", allowed=allowed)
    return None


def _calendar_freeze(local: datetime, options: ReleaseOptions) -> Refusal | None:
    """Why a recurring freeze or a public holiday closes releases at `local`, if one does."""
    naive = local.replace(tzinfo=None)
    for recurring in options.recurring_freezes:
        if frozen_by(recurring, naive):
            return _refusal(
                gettext_noop("%(time)s is in a recurring release freeze: %(reason)s (%(when)s)"),
                time=f"{local:%Y-%m-%d %H:%M}",
                reason=recurring.reason,
                when=describe_recurring(recurring),
            )
    if options.holidays is not None and options.holidays.freeze:
        holiday = holiday_day(local.date(), options.holidays).holiday
        if holiday:
            said = gettext_noop(
                "%(day)s is a public holiday (%(holiday)s): releases are frozen on holidays"
            )
            return _refusal(said, day=f"{local:%Y-%m-%d}", holiday=holiday)
    return None


def window_opens_on(window: ReleaseWindow, day: date, working_weekend: bool = False) -> bool:
    """Whether `window` opens at all on `day`. A working weekend (调休) opens the windows
    that cover every weekday: they mean "working days"."""
    every_weekday = set(_WEEKDAYS[:5]) <= set(window.days)
    return _WEEKDAYS[day.weekday()] in window.days or (working_weekend and every_weekday)


def _inside(window: ReleaseWindow, local: datetime, working_weekend: bool = False) -> bool:
    if not window_opens_on(window, local.date(), working_weekend):
        return False
    clock = local.time().replace(tzinfo=None)
    return window.clock("start") <= clock < window.clock("end") or (
        window.end == "24:00" and clock >= window.clock("start")
    )


def describe_window(window: ReleaseWindow) -> Phrase:
    days = Listing(Phrase(_DAY_NAMES[day]) for day in window.days)
    return Phrase("%(days)s %(start)s-%(end)s", days=days, start=window.start, end=window.end)


def closed_only(wanted: datetime, options: ReleaseOptions, now: datetime) -> bool:
    """Whether the only thing wrong with the time is that releases are closed then
    (rather than the time being in the past or beyond the horizon)."""
    return (
        wanted >= now - timedelta(minutes=options.past_tolerance_minutes)
        and wanted <= now + timedelta(days=options.horizon_days)
        and closed_at(wanted, options) is not None
    )


def next_opening(after: datetime, options: ReleaseOptions) -> datetime | None:
    """The first moment after `after`, within the horizon, when releases are open."""
    zone = options.zone
    local = after.astimezone(zone)
    candidates = [freeze.end.replace(tzinfo=zone) for freeze in options.freezes]
    last = local + timedelta(days=options.horizon_days + 1)
    for recurring in options.recurring_freezes:
        spans = occurrences(recurring, local.replace(tzinfo=None), last.replace(tzinfo=None))
        candidates += [end.replace(tzinfo=zone) for _, end in spans]
    for day in range(options.horizon_days + 1):
        date = (local + timedelta(days=day)).date()
        # Midnight: a holiday freeze ends when its day does.
        candidates.append(datetime.combine(date, datetime.min.time(), tzinfo=zone))
        for window in options.windows:
            start = window.clock("start")
            candidates.append(datetime.combine(date, start, tzinfo=zone))
    for moment in sorted(c for c in candidates if c > local):
        if closed_at(moment, options) is None:
            return moment
    return None
