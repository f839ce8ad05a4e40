"""`releasegate check`: validate every setting; `--connect` also reaches each service.

It says which approval platforms the settings enable (each by its own settings being
present) and names what is missing or wrong for those. `--connect` (check_connect.py)
reaches every service whose own settings are right, whatever else is wrong."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape

from releasegate.cli.base import config, setup_django
from releasegate.config import ReleaseOptions


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("check", help="validate the configuration (exit 1 on problems)")
    parser.add_argument(
        "--connect",
        action="store_true",
        help=(
            "also connect to the database, Jenkins (can its user see and build the "
            "catalog's jobs? nothing is started) and each enabled approval platform"
        ),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    console = Console(highlight=False)
    settings = config()
    problems = [str(problem) for problem in settings.problems]
    console.print(f"data directory   {settings.data_dir}")
    console.print(f"database         {masked_database_url(settings.database_url)}")
    console.print(f"config file      {settings.config_path or '(none: defaults)'}")
    if settings.jenkins:
        how = "API token" if settings.jenkins.token else "password + CSRF crumb"
        console.print(f"Jenkins          {settings.jenkins.url} as {settings.jenkins.user} ({how})")
    problems += _platforms(console, {problem.area for problem in settings.problems})
    problems += _django_problems()
    _warn_about_holiday_data(console, settings.options.releases)
    if args.connect:
        from releasegate.cli.check_connect import connection_problems

        problems += connection_problems(console, settings)
    for problem in problems:
        # Escaped: "[local]" in a message is text, not markup; unwrapped, so each
        # problem stays one line for grep.
        console.print(f"[red]✗[/red] {escape(problem)}", soft_wrap=True)
    if problems:
        console.print(f"{len(problems)} problem(s); see docs/configuration.md")
        return 1
    console.print("[green]✓[/green] configuration is valid")
    return 0


def _platforms(console: Console, broken: set[str]) -> list[str]:
    """Print which approval platforms are enabled, which would be but for problems in
    their settings (listed with the other problems), and which are not configured; a
    problem when none is enabled or meant to be."""
    from releasegate.releases.approvals import registry

    enabled = list(registry.enabled())
    faulty = [name for name in registry.known() if name in broken and name not in enabled]
    absent = [name for name in registry.known() if name not in (*enabled, *faulty)]
    shown = [*enabled, *(f"{name} (settings incomplete)" for name in faulty)]
    line = ", ".join(shown) or "none"
    if absent:
        line += f" (not configured: {', '.join(absent)})"
    console.print(f"approvals        {line}")
    if enabled or faulty:
        return []
    return [
        "approvals: no approval platform is configured (set the DINGTALK_* settings, or "
        "configure ReleaseGate's own approver groups under [local]: see "
        "docs/configuration.md)"
    ]


def _warn_about_holiday_data(console: Console, options: ReleaseOptions) -> None:
    """A warning, not a problem: without the data, those days are ordinary days, and
    the fix (a newer chinesecalendar, or `extra_holidays`) may not be at hand yet."""
    from releasegate.releases.holidays import unknown_years

    today = datetime.now(options.zone).date()
    for year in unknown_years(options.holidays, today, today + timedelta(options.horizon_days)):
        console.print(
            f"[yellow]![/yellow] releases.holidays: the holiday data has nothing for {year}: "
            "its holidays are not frozen and its working weekends are ordinary weekends; "
            "upgrade chinesecalendar or list them in extra_holidays and extra_workdays "
            "(see docs/configuration.md)"
        )


def masked_database_url(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _django_problems() -> list[str]:
    from django.core import checks

    return [
        f"{message.id}: {message.msg}"
        for message in checks.run_checks()
        if message.level >= checks.ERROR and not message.is_silenced()
    ]
