"""The `releasegate` command: everything an operator runs.

Each subcommand lives in its own module and registers itself in `COMMANDS` (a plain list,
no discovery magic). Commands that need the database call `setup_django()` themselves,
after anything they want to put in the environment first (the demo does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from releasegate.cli import (
    cancel,
    catalog,
    check,
    decide,
    demo,
    manage,
    request,
    retry,
    rollback,
    serve,
    simulate,
    stream,
    sync,
    token,
    user,
    worker,
)

COMMANDS = [
    check,
    sync,
    catalog,
    serve,
    worker,
    stream,
    cancel,
    retry,
    token,
    user,
    request,
    rollback,
    decide,
    manage,
    simulate,
    demo,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="releasegate",
        description="Production releases behind your approval flow, driving your Jenkins.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args, rest = build_parser().parse_known_args(argv)
    if rest and not getattr(args, "accepts_extra", False):
        print(f"releasegate: unrecognized arguments: {' '.join(rest)}", file=sys.stderr)
        return 2
    args.extra = rest
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
