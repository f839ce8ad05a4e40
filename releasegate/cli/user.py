"""`releasegate user add|change|list`: the people who use ReleaseGate, with who they are
on each approval platform (a dashboard user asks for releases as that person there).

    releasegate user add zhangsan --name 张三 --dingtalk-id zhangsan --feishu-id ou_…
    releasegate user change zhangsan --wecom-id ZhangSan --staff
    releasegate user list
    releasegate user import --platform dingtalk [--department 3] [--dry-run]

`add` gives the user a password: read from stdin with `--password-stdin`, or generated
and printed once. Staff users may use the admin pages.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from releasegate.cli import user_import
from releasegate.cli.base import setup_django, stderr_console

# Profile field, option and what it is, for each approval platform.
PLATFORM_IDS = (
    ("dingtalk_user_id", "--dingtalk-id", "their DingTalk userid"),
    ("feishu_user_id", "--feishu-id", "their Feishu open_id (ou_…)"),
    ("wecom_user_id", "--wecom-id", "their WeCom userid"),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("user", help="add, change or list ReleaseGate's users")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a user")
    add.add_argument("username")
    _fields(add)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(run=run_add)
    change = actions.add_parser("change", help="change a user (only what is given)")
    change.add_argument("username")
    _fields(change)
    change.add_argument("--no-staff", action="store_true", help="no longer staff")
    change.add_argument("--inactive", action="store_true", help="may no longer log in")
    change.add_argument("--active", action="store_true", help="may log in again")
    change.set_defaults(run=run_change)
    listing = actions.add_parser("list", help="list the users and their platform ids")
    listing.set_defaults(run=run_list)
    user_import.register(actions)


def _fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="their name as people know it (张三)")
    parser.add_argument("--email", help="their e-mail address")
    for _, option, help_text in PLATFORM_IDS:
        parser.add_argument(option, help=help_text)
    parser.add_argument("--staff", action="store_true", help="may use the admin pages")


def run_add(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    users = get_user_model()
    errors = stderr_console()
    if users.objects.filter(username=args.username).exists():
        errors.print(f"[red]✗[/red] user {args.username!r} exists already (use: user change)")
        return 1
    problem = _username_problem(args.username)
    if problem:
        errors.print(f"[red]✗[/red] {problem}")
        return 2
    generated = not args.password_stdin
    password = secrets.token_urlsafe(15) if generated else sys.stdin.readline().rstrip("\n")
    user = users(username=args.username)
    try:
        if not password:
            raise ValidationError("it is empty")
        validate_password(password, user)
    except ValidationError as exc:
        errors.print(f"[red]✗[/red] password: {' '.join(exc.messages)}")
        return 2
    with transaction.atomic():
        user.set_password(password)
        _apply(user, args)
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"✓ added {args.username}{_described(user)}")
    if generated:
        console.print(f"  password (shown once): {password}")
    return 0


def run_change(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    if (args.staff and args.no_staff) or (args.active and args.inactive):
        stderr_console().print(
            "[red]✗[/red] --staff/--no-staff and --active/--inactive exclude each other"
        )
        return 2
    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        stderr_console().print(f"[red]✗[/red] there is no user {args.username!r} (use: user add)")
        return 1
    with transaction.atomic():
        _apply(user, args)
    Console(highlight=False, soft_wrap=True).print(f"✓ changed {args.username}{_described(user)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from releasegate.web.models import Profile

    profiles = {p.user_id: p for p in Profile.objects.all()}
    table = Table(title="ReleaseGate users")
    for column in ("login", "name", "staff", "active", "DingTalk", "Feishu", "WeCom"):
        table.add_column(column)
    for user in get_user_model().objects.order_by("username"):
        profile = profiles.get(user.pk)
        ids = [getattr(profile, field, "") or "—" for field, _, _ in PLATFORM_IDS]
        table.add_row(
            user.username,
            user.get_full_name() or "—",
            "yes" if user.is_staff else "",
            "yes" if user.is_active else "no",
            *ids,
        )
    Console(highlight=False, soft_wrap=True).print(table)
    return 0


def _username_problem(username: str) -> str | None:
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return f"{username!r} is not a login: letters, digits and @.+-_ only"
    return None if len(username) <= 150 else "a login has at most 150 characters"


def _apply(user: Any, args: argparse.Namespace) -> None:
    """Set what the arguments give on the user and their profile, and save both."""
    from releasegate.web.models import Profile

    if args.name is not None:
        user.first_name, user.last_name = args.name.strip()[:150], ""
    if args.email is not None:
        user.email = args.email.strip()
    if args.staff:
        user.is_staff = True
    if getattr(args, "no_staff", False):
        user.is_staff = False
    if getattr(args, "inactive", False):
        user.is_active = False
    if getattr(args, "active", False):
        user.is_active = True
    user.save()
    profile, _ = Profile.objects.get_or_create(user=user)
    for field, option, _ in PLATFORM_IDS:
        given = getattr(args, option.lstrip("-").replace("-", "_"))
        if given is not None:
            setattr(profile, field, given.strip()[:128])
    profile.save()


def _described(user: Any) -> str:
    from releasegate.web.models import Profile

    profile = Profile.objects.filter(user=user).first()
    parts = [user.get_full_name()] if user.get_full_name() else []
    for field, option, _ in PLATFORM_IDS:
        value = getattr(profile, field, "") if profile else ""
        if value:
            parts.append(f"{option.removeprefix('--').removesuffix('-id')} {value}")
    if user.is_staff:
        parts.append("staff")
    return f" ({', '.join(parts)})" if parts else ""
