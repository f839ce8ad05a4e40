"""`releasegate check --connect`: reach each service whose own settings are right, even
when other settings are wrong, so one run names every problem. Each problem starts with
the setting to change."""

from __future__ import annotations

from rich.console import Console

from releasegate.cli.base import unapplied_migrations
from releasegate.config import Config
from releasegate.lib.http import OutboundError

# The setting to look at when a platform refuses the credentials, and when it cannot be
# reached.
_PLATFORM_SETTINGS = {
    "dingtalk": ("DINGTALK_APP_SECRET", "DINGTALK_API_BASE"),
    "feishu": ("FEISHU_APP_SECRET", "FEISHU_API_BASE"),
    "wecom": ("WECOM_CORP_SECRET", "WECOM_API_BASE"),
}


def connection_problems(console: Console, settings: Config) -> list[str]:
    """Problems found by connecting: the database (unless DATABASE_URL is wrong), Jenkins
    (unless a Jenkins setting is wrong) and every enabled approval platform."""
    from releasegate.cli.check_jenkins import jenkins_problems

    broken = {problem.setting for problem in settings.problems}
    problems = [] if "DATABASE_URL" in broken else _database_problems(console, settings)
    jenkins_broken = any(problem.area == "jenkins" for problem in settings.problems)
    if settings.jenkins is not None and not jenkins_broken:
        database = "DATABASE_URL" not in broken
        problems += jenkins_problems(console, settings, settings.jenkins, database=database)
    return problems + _platform_problems(console, settings)


def _database_problems(console: Console, settings: Config) -> list[str]:
    from django.db import DatabaseError

    try:
        pending = unapplied_migrations()
    except DatabaseError as exc:
        return [f"DATABASE_URL: cannot connect: {exc}"]
    console.print("database         reachable")
    if pending:
        return [f"DATABASE_URL: {len(pending)} migration(s) to apply: run `releasegate migrate`"]
    return _unknown_approvers(settings)


def _platform_problems(console: Console, settings: Config) -> list[str]:
    """Each enabled approval platform asked for a token with the app's credentials."""
    from releasegate.releases.approvals import registry
    from releasegate.releases.approvals.errors import CredentialsRefused

    problems = []
    for name, platform in registry.enabled(settings).items():
        if platform.check is None:
            continue
        credentials, address = _PLATFORM_SETTINGS.get(name, (name.upper(), name.upper()))
        try:
            platform.check()
        except CredentialsRefused as exc:
            problems.append(f"{credentials}: {name} refused the app's credentials: {exc}")
        except OutboundError as exc:
            problems.append(_not_answering(name, address, exc))
        else:
            console.print(f"{name:<17}reachable, credentials accepted")
    return problems


def _not_answering(name: str, address: str, exc: OutboundError) -> str:
    """Nothing answered at the platform's address, something else did, or the platform
    is down for now."""
    if exc.status is None:
        return f"{address}: {name} cannot be reached: {exc.message}"
    if exc.permanent:
        return f"{address}: answers, but not as {name}'s API ({exc.message}); is the address right?"
    return f"{address}: {name} is unavailable for now: {exc.message}"


def _unknown_approvers(settings: Config) -> list[str]:
    """Approvers of ReleaseGate's own approvals who have no login here: they could never
    decide, and a group may then never reach its number."""
    from django.contrib.auth import get_user_model

    groups = settings.options.local.groups
    named = {login for group in groups for login in group.approvers}
    users = get_user_model().objects.filter(username__in=named)
    known = {user.get_username() for user in users}
    return [
        f"local.groups.{index}.approvers: {login} is not a ReleaseGate user (add the login in "
        "the admin)"
        for index, group in enumerate(groups)
        for login in group.approvers
        if login not in known
    ]
