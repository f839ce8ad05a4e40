"""API tokens, stored as the SHA-256 of the key: the key itself is shown once, when it is
made, and never kept. A database dump, a backup or the admin therefore gives nobody a key
that works.

A plain SHA-256 suffices (no slow hash): a key is 160 random bits, so there is nothing to
guess from its digest, and a slow hash would cost every API request what a login costs.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def digest_of(key: str) -> str:
    """The hex SHA-256 a key is stored and looked up as."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A user's API token (one at most, as before: renewing replaces it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so a person can tell which key a row is; too few to help
    # anyone guess the rest.
    prefix = models.CharField(max_length=8, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
