"""`releasegate catalog`: print what users can release, as a table."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from releasegate.cli.base import setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("catalog", help="print the catalog users can release from")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    print_catalog(Console())
    return 0


def describe_parameter(parameter: Any) -> str:
    text = parameter.name
    if parameter.choices:
        text += " ∈ {" + " | ".join(parameter.choices) + "}"
    elif parameter.default_hidden:
        text += " (hidden default)"
    elif parameter.default not in (None, ""):
        text += f" = {parameter.default}".replace("True", "true").replace("False", "false")
    return escape(f"{text} [{parameter.kind}]")


def print_catalog(console: Console) -> None:
    from releasegate.catalog import snapshot

    catalog = snapshot.refresh()
    table = Table(title=f"Catalog (sync #{catalog.sync_id})", show_lines=True)
    table.add_column("项目 Project")
    table.add_column("应用 Application")
    table.add_column("Jenkins job")
    table.add_column("参数 Parameters")
    for project in catalog.projects:
        for application in project.applications:
            table.add_row(
                project.display_name,
                application.display_name,
                application.full_name,
                "\n".join(describe_parameter(p) for p in application.parameters) or "(none)",
            )
    console.print(table)
    count = len(catalog.applications)
    console.print(f"{count} application(s) in {len(catalog.projects)} project(s) can be released.")
