"""List filters for the admin's large tables that offer a known set of values.

Django's filter for a plain text column asks the table for its distinct values on every
list page: a read of every row (on 100,000 releases, most of the time the page took).
Where the values are a set ReleaseGate writes itself, the filter offers that set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from releasegate.releases.cards import CARD_KINDS
from releasegate.releases.local.notices import ASKED, EXPIRED, REFUSED
from releasegate.releases.messages import TITLES

# How each delivery, and so each release, came in (`InboundEvent.via`).
VIAS = ("event", "stream", "connector", "reconcile", "request")
# How a message goes out (`Notification.channel`), and what it tells: the news of a
# release, of a request in ReleaseGate's own approvals, or an approver's card.
CHANNELS = ("people", "group")
NOTIFICATION_KINDS = (*TITLES, ASKED, REFUSED, EXPIRED, *CARD_KINDS)


def known_values(field: str, values: Callable[[], Iterable[str]]) -> type[admin.SimpleListFilter]:
    """A filter on `field` offering `values()` (read when a page is shown), with the
    query parameter Django's own filter uses, so links to filtered lists keep working."""

    class KnownValues(admin.SimpleListFilter):
        title = field.replace("_", " ")
        parameter_name = f"{field}__exact"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(value, value) for value in values()]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            chosen = self.value()
            return queryset.filter(**{field: chosen}) if chosen else queryset

    return KnownValues
