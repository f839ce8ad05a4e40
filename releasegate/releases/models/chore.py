"""Periodic work that any number of workers may offer to do, done by one of them each time.

A worker runs a chore only after moving its `next_run_at` forward with a conditional
update; the one whose update matched does it, the others skip it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Chore(models.Model):
    name = models.CharField(max_length=64, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.TextField(blank=True)

    class Meta:
        verbose_name = _("background chore")
        verbose_name_plural = _("background chores")

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"
