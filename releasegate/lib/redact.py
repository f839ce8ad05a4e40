"""Keep secrets out of log lines and error messages.

Every secret ReleaseGate is configured with (API tokens, passwords, app secrets) is
registered here once; `redact` replaces each of them, and the Basic-auth encodings they
travel in, with ``***``. A logging filter applies the same to every record, so a secret
that slips into an exception message or a debug line never reaches the log.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import deque

MASK = "***"
# Shorter values are too likely to be ordinary words or numbers to be replaced safely.
_MIN_SECRET_LENGTH = 4

_lock = threading.Lock()
_secrets: set[str] = set()
# Short-lived secrets (single-use tickets, access tokens) arrive without end; only the
# most recent ones can still matter, so only they are kept.
_temporary: deque[str] = deque(maxlen=64)


def register_secret(value: str | None, *, user: str | None = None, temporary: bool = False) -> None:
    """Remember `value` as a secret; with `user`, also its Basic-auth header encoding.
    A `temporary` one is forgotten after the next 64 temporary ones."""
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    forms = {value}
    if user is not None:
        forms.add(base64.b64encode(f"{user}:{value}".encode()).decode("ascii"))
    with _lock:
        if temporary:
            _temporary.extend(form for form in forms if form not in _temporary)
        else:
            _secrets.update(forms)


def redact(text: str) -> str:
    """Return `text` with every registered secret masked."""
    with _lock:
        secrets = sorted({*_secrets, *_temporary}, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Masks registered secrets in a record's fully formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
