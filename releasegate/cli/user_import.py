"""`releasegate user import --platform dingtalk|feishu|wecom [--department ID] [--dry-run]`:
a ReleaseGate login for everyone in an approval platform's directory who has none yet.

The directory is read in full first (no database transaction is open meanwhile), then
the new users and links are written in one short transaction. What counts as known,
how people are matched and how logins are made: releasegate/web/people_import.py.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django

if TYPE_CHECKING:
    from releasegate.releases.approvals.directory import DirectoryPerson

# Name, the setting that switches it on, its setup guide.
PLATFORMS = {
    "dingtalk": ("DingTalk", "DINGTALK_APP_KEY", "dingtalk-setup.md"),
    "feishu": ("Feishu", "FEISHU_APP_ID", "feishu-setup.md"),
    "wecom": ("WeCom", "WECOM_CORP_ID", "wecom-setup.md"),
}
# What each step says, done and in a dry run.
VERBS = {"create": ("created", "would create"), "link": ("linked", "would link")}


def register(actions: Any) -> None:
    parser = actions.add_parser(
        "import", help="add a user for each person of an approval platform's directory"
    )
    parser.add_argument("--platform", required=True, choices=sorted(PLATFORMS))
    parser.add_argument(
        "--department",
        help="only this department and those below it (default: the whole directory)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from releasegate.cli.sync import migrated
    from releasegate.lib.http import OutboundError
    from releasegate.releases.approvals.directory import DirectoryRefused

    # soft_wrap: a refusal's permission names stay whole on one line for grep and logs.
    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    name = PLATFORMS[args.platform][0]
    if not _configured(args.platform, errors) or not migrated(errors):
        return 1
    try:
        people = _reader(args.platform)(config(), args.department)
    except ValueError as exc:
        errors.print(f"[red]✗[/red] {exc}", highlight=False)
        return 2
    except DirectoryRefused as exc:
        errors.print(f"[red]✗[/red] {name} refused to show its directory: {exc}", highlight=False)
        return 1
    except OutboundError as exc:
        errors.print(f"[red]✗[/red] reading {name}'s directory failed: {exc}", highlight=False)
        return 1
    return _import(args, people)


def _configured(platform: str, errors: Console) -> bool:
    name, first_setting, guide = PLATFORMS[platform]
    settings = config()
    if getattr(settings, platform) is None and not any(
        problem.area == platform for problem in settings.problems
    ):
        errors.print(
            f"[red]✗[/red] {first_setting}: not set: importing people reads {name}'s "
            f"directory (set the {platform.upper()}_* settings, docs/{guide})",
            highlight=False,
        )
        return False
    return not refuse_on_problems(errors, areas=("core", platform))


def _import(args: argparse.Namespace, people: list[DirectoryPerson]) -> int:
    from django.db import IntegrityError

    from releasegate.web.people_import import apply_import, plan_import

    console = Console(highlight=False, soft_wrap=True)
    name = PLATFORMS[args.platform][0]
    plan = plan_import(args.platform, people)
    if not plan.steps:
        console.print(
            f"Nothing to do: all {len(people)} people in {name}'s directory have a user already"
        )
        return 0
    if not args.dry_run:
        try:
            apply_import(args.platform, plan)
        except IntegrityError:
            # Someone added a user with one of the planned logins since the plan was made.
            stderr = Console(stderr=True, highlight=False)
            stderr.print("[red]✗[/red] the users changed meanwhile; nothing was written: run again")
            return 1
    for step in plan.steps:
        verb = VERBS[step.action][args.dry_run]
        person = step.person
        console.print(f"{verb} {step.login} ({person.name}, {name} id {person.platform_id})")
    created = sum(step.action == "create" for step in plan.steps)
    linked = len(plan.steps) - created
    done = (
        f"Would create {created}, link {linked}"
        if args.dry_run
        else f"Done: created {created}, linked {linked}"
    )
    known = f"{plan.known} of {len(people)} people in {name}'s directory had a user already"
    console.print(f"{done}; {known}." + (" Dry run: nothing was written." if args.dry_run else ""))
    return 0


def _reader(platform: str) -> Callable[[Any, str | None], list[DirectoryPerson]]:
    """The function reading `platform`'s directory with the process's shared client."""
    if platform == "dingtalk":
        from releasegate.integrations.dingtalk import directory as dingtalk
        from releasegate.integrations.dingtalk.provider import shared_client as dingtalk_client

        return lambda settings, department: dingtalk.read_directory(
            dingtalk_client(settings), department
        )
    if platform == "feishu":
        from releasegate.integrations.feishu import directory as feishu
        from releasegate.integrations.feishu.provider import shared_client as feishu_client

        return lambda settings, department: feishu.read_directory(
            feishu_client(settings), department
        )
    from releasegate.integrations.wecom import directory as wecom
    from releasegate.integrations.wecom.provider import shared_client as wecom_client

    return lambda settings, department: wecom.read_directory(wecom_client(settings), department)
