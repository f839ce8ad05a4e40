"""What the subcommands share."""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console

from releasegate.config.problems import AREAS


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "releasegate.settings")
    import django

    django.setup()


def config() -> Any:
    """The loaded configuration (imports settings, so call after any env changes)."""
    from django.conf import settings

    return settings.CONFIG


def refuse_on_problems(console: Console, areas: tuple[str, ...] = ("core", *AREAS)) -> bool:
    """Print configuration problems in the `areas` a command uses; True if there were any
    (the caller should stop)."""
    problems = [problem for problem in config().problems if problem.area in areas]
    for problem in problems:
        console.print(f"[red]✗[/red] {problem}", highlight=False)
    if problems:
        console.print("Fix the settings above (see docs/configuration.md), then run again.")
    return bool(problems)


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def stderr_console() -> Console:
    return Console(stderr=True, file=sys.stderr)
