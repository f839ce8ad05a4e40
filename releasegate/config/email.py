"""Sending e-mail (Django's own settings, read from the environment): how ReleaseGate's
own approvals reach people that no chat platform reaches. Off unless `EMAIL_HOST` is set."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from releasegate.config.flags import read_flag
from releasegate.config.problems import Problem


@dataclass(frozen=True)
class EmailSettings:
    # The SMTP server; empty: nobody is told by e-mail.
    host: str = ""
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    use_tls: bool = False
    use_ssl: bool = False
    from_address: str = "ReleaseGate <releasegate@localhost>"

    @property
    def enabled(self) -> bool:
        return bool(self.host)


def read_email(environ: Mapping[str, str], problems: list[Problem]) -> EmailSettings:
    """The EMAIL_* settings and DEFAULT_FROM_EMAIL; each problem appended, named by its
    setting."""
    default = EmailSettings()
    raw_port = (environ.get("EMAIL_PORT") or "").strip()
    port = default.port
    if raw_port:
        if raw_port.isdigit() and 0 < int(raw_port) < 65536:
            port = int(raw_port)
        else:
            problems.append(Problem("EMAIL_PORT", f"{raw_port!r} is not a port number"))
    use_tls = read_flag(environ, "EMAIL_USE_TLS", problems)
    use_ssl = read_flag(environ, "EMAIL_USE_SSL", problems)
    if use_tls and use_ssl:
        problems.append(Problem("EMAIL_USE_SSL", "set EMAIL_USE_TLS or EMAIL_USE_SSL, not both"))
    return EmailSettings(
        host=(environ.get("EMAIL_HOST") or "").strip(),
        port=port,
        user=(environ.get("EMAIL_HOST_USER") or "").strip(),
        password=environ.get("EMAIL_HOST_PASSWORD") or "",
        use_tls=use_tls,
        use_ssl=use_ssl,
        from_address=(environ.get("DEFAULT_FROM_EMAIL") or "").strip() or default.from_address,
    )
