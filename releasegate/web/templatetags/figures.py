"""`{{ seconds|duration }}`: a median duration as people say it (45 min, 2.5 h, 3.1 d);
`{{ share|percent }}`: a rate as a percentage. "—" for nothing measured."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()
NOTHING = "—"


@register.filter
def duration(seconds: float | None) -> str:
    if seconds is None:
        return NOTHING
    divisor, unit = duration_unit(seconds)
    return f"{seconds / divisor:.1f} {unit}".replace(".0 ", " ")


def duration_unit(seconds: float) -> tuple[float, str]:
    """How to divide `seconds`, and the unit's name, for a duration of that size."""
    if seconds < 2 * 3600:
        return 60.0, _("min")
    if seconds < 72 * 3600:
        return 3600.0, _("h")
    return 86400.0, _("d")


@register.filter
def percent(share: float | None) -> str:
    return NOTHING if share is None else f"{share * 100:.1f}%".replace(".0%", "%")
