"""Links taken from elsewhere (Jenkins' `build_url` and job `url`, a platform's answer):
shown only when they are web addresses."""

from __future__ import annotations

from urllib.parse import urlsplit


def web_address(url: str) -> str | None:
    """`url` when it is an absolute http(s) address, else None: a link taken from
    elsewhere (Jenkins' `build_url`, a job's `url`) must not run script or open an app."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
