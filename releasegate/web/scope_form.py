"""The fields the releases list's filters and the insights page share: a project, an
application and a date range (both days included), each optional."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _day(label: _StrPromise) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ScopeForm(forms.Form):
    project = forms.CharField(label=_("Project"), required=False, max_length=255)
    application = forms.CharField(label=_("Application"), required=False, max_length=1000)
    since = _day(pgettext_lazy("date range", "From"))
    until = _day(pgettext_lazy("date range", "To"))
