"""Making, checking and revoking API tokens (`releasegate.api.models.ApiToken`)."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from releasegate.api.models import ApiToken, digest_of

PREFIX_LENGTH = 6


def issue(user: Any) -> str:
    """A new key for `user`, replacing the one they had. The only time the key exists
    outside the caller's hands: print it, do not log it."""
    key = secrets.token_hex(20)  # 160 bits, the shape of the keys made before
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        ApiToken.objects.create(user=user, digest=digest_of(key), prefix=key[:PREFIX_LENGTH])
    return key


def revoke(user: Any) -> bool:
    """Whether `user` had a token (it no longer works either way)."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's TokenAuthentication reads it (the same
    header, the same `WWW-Authenticate: Token`), checked against the stored digest."""

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        digest = digest_of(key)
        token = ApiToken.objects.select_related("user").filter(digest=digest).first()
        # The lookup finds the row by an index; the comparison that decides is the
        # constant-time one.
        if token is None or not hmac.compare_digest(token.digest, digest):
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
