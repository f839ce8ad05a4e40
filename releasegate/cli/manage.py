"""`releasegate migrate` and `releasegate manage …` (Django's own commands)."""

from __future__ import annotations

import argparse
from typing import Any

from releasegate.cli.base import setup_django


def register(subparsers: Any) -> None:
    migrate = subparsers.add_parser("migrate", help="create or upgrade the database tables")
    migrate.set_defaults(run=run_migrate)
    manage = subparsers.add_parser(
        "manage", help="run a Django management command (e.g. createsuperuser)", add_help=False
    )
    manage.set_defaults(run=run_manage, accepts_extra=True)


def run_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)
    return 0


def run_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["releasegate manage", *args.extra])
    return 0
