"""Running behind a reverse proxy that terminates TLS (docs/production.md).

The browser then talks HTTPS to the proxy and the proxy HTTP to ReleaseGate: Django sees
an `http://` request with an `Origin: https://…` header and refuses every form post as
cross-site. Two settings fix that, and neither is on by default, because trusting a
header that any client can send is only right behind a proxy that sets it:

- `RELEASEGATE_PROXY_SSL_HEADER`: the header the proxy sets for HTTPS requests, e.g.
  `X-Forwarded-Proto` (its value must then be `https`): Django's SECURE_PROXY_SSL_HEADER.
- `RELEASEGATE_TRUSTED_ORIGINS`: comma-separated origins people's browsers use, e.g.
  `https://releasegate.example.com`: Django's CSRF_TRUSTED_ORIGINS. Without it, the
  origin of RELEASEGATE_PUBLIC_URL is trusted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from releasegate.config.problems import Problem

_HEADER = re.compile(r"^[A-Za-z0-9-]{1,64}$")


@dataclass(frozen=True)
class ProxySettings:
    # The origins a form may come from besides the request's own host.
    trusted_origins: tuple[str, ...] = ()
    # Django's SECURE_PROXY_SSL_HEADER as a META key ("HTTP_X_FORWARDED_PROTO"), or "".
    ssl_header: str = ""

    @property
    def https(self) -> bool:
        return any(origin.startswith("https://") for origin in self.trusted_origins)


def read_proxy(
    environ: Mapping[str, str], public_url: str, problems: list[Problem]
) -> ProxySettings:
    raw = (environ.get("RELEASEGATE_TRUSTED_ORIGINS") or "").strip()
    origins = []
    for origin in (part.strip().rstrip("/") for part in raw.split(",") if part.strip()):
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            problems.append(
                Problem(
                    "RELEASEGATE_TRUSTED_ORIGINS",
                    f"{origin!r} is not an origin (e.g. https://releasegate.example.com)",
                )
            )
            continue
        origins.append(origin)
    if not raw and public_url:
        parts = urlsplit(public_url)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    header = (environ.get("RELEASEGATE_PROXY_SSL_HEADER") or "").strip()
    if header and not _HEADER.match(header):
        problems.append(
            Problem(
                "RELEASEGATE_PROXY_SSL_HEADER",
                f"{header!r} is not a header name (e.g. X-Forwarded-Proto)",
            )
        )
        header = ""
    meta = "HTTP_" + header.upper().replace("-", "_") if header else ""
    return ProxySettings(trusted_origins=tuple(origins), ssl_header=meta)
