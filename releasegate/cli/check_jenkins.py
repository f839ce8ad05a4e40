"""The Jenkins part of `releasegate check --connect`: is JENKINS_URL Jenkins' root, are
the credentials accepted, and can JENKINS_USER see and build each job users can release?
Nothing is built: see integrations/jenkins/access.py for how build permission is read."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from releasegate.config import Config, JenkinsSettings
from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.access import JobAccess
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.lib.http import OutboundError

# Beyond this many jobs with the same problem, one line counts them and names the first.
NAMED_PER_LINE = 5


def jenkins_problems(
    console: Console, settings: Config, jenkins: JenkinsSettings, *, database: bool
) -> list[str]:
    """Problems with the Jenkins settings (`jenkins`, complete), each starting with the
    setting to change. `database`: whether the catalog may be read from the database."""
    from releasegate.connections import jenkins_client

    try:
        with jenkins_client(settings) as client:
            version = client.root_version()
            console.print(f"Jenkins          reachable, version {version}")
            return _job_problems(console, client, settings, jenkins.user, database=database)
    except OutboundError as exc:
        return [_labelled(exc, jenkins)]


def _labelled(exc: OutboundError, jenkins: JenkinsSettings) -> str:
    """The refusal, named by the setting that would fix it."""
    secret = "JENKINS_TOKEN" if jenkins.token else "JENKINS_PASSWORD"
    url = jenkins.url
    if isinstance(exc, errors.AuthenticationFailed):
        return f"JENKINS_USER/{secret}: {exc.message}: check the user name and its secret"
    if isinstance(exc, errors.NotJenkinsRoot):
        return f"JENKINS_URL: {url} {exc.message}"
    if isinstance(exc, errors.PermissionDenied):
        return f"JENKINS_USER: {exc.message} (give {jenkins.user} Overall/Read)"
    if isinstance(exc, errors.JenkinsError):
        return f"JENKINS_URL: {exc.message}"
    return f"JENKINS_URL: cannot reach {url}: {exc.message}"


def _job_problems(
    console: Console, client: JenkinsClient, settings: Config, user: str, *, database: bool
) -> list[str]:
    stored = _catalog_jobs() if database else None
    names = stored or _jobs_the_catalog_will_offer(client, settings)
    if not names:
        console.print(escape("Jenkins jobs     none to release (see [catalog] include)"))
        return []
    access = {name: client.job_access(name) for name in names}
    by_access = {kind: sorted(n for n, a in access.items() if a is kind) for kind in JobAccess}
    # Before the first sync, the jobs `releasegate sync` will store.
    return _report(console, by_access, user, len(names), "catalog" if stored else "exposed")


def _report(
    console: Console, by_access: dict[JobAccess, list[str]], user: str, total: int, whose: str
) -> list[str]:
    """Print what is fine; return the problems, one line per job or per kind when many."""
    if by_access[JobAccess.DISABLED]:
        disabled = _names(by_access[JobAccess.DISABLED])
        console.print(escape(f"Jenkins jobs     disabled (left out at the next sync): {disabled}"))
    unseen = by_access[JobAccess.NOT_VISIBLE]
    unbuildable = by_access[JobAccess.NOT_BUILDABLE_BY_USER]
    buildable = len(by_access[JobAccess.BUILDABLE])
    if not unseen and not unbuildable and buildable:
        console.print(f"Jenkins jobs     {user} can see and build all {buildable} {whose} jobs")
    read = "Jenkins answers 404: give it Job/Read, or run `releasegate sync` if removed"
    build = "Jenkins offers it no Build action: give it Job/Build"
    return [
        *_per_job(unseen, total, whose, f"{user} cannot see", read),
        *_per_job(unbuildable, total, whose, f"{user} may not build", build),
    ]


def _per_job(jobs: list[str], total: int, whose: str, problem: str, fix: str) -> list[str]:
    """One line per job, or one line counting them when there are many."""
    if len(jobs) <= NAMED_PER_LINE:
        return [f"JENKINS_USER: {problem} {name} ({fix})" for name in jobs]
    return [f"JENKINS_USER: {problem} {len(jobs)} of {total} {whose} jobs ({fix}): {_names(jobs)}"]


def _names(jobs: list[str]) -> str:
    shown = ", ".join(jobs[:NAMED_PER_LINE])
    more = len(jobs) - NAMED_PER_LINE
    return f"{shown} and {more} more" if more > 0 else shown


def _catalog_jobs() -> list[str] | None:
    """The jobs users can release, from the database; None when it cannot say (not
    reachable, not migrated yet)."""
    from django.db import DatabaseError

    from releasegate.catalog.models import DEFAULT_SERVER, Application

    offered = Application.objects.filter(
        server=DEFAULT_SERVER, present=True, exposed=True, buildable=True
    )
    try:
        return list(offered.values_list("full_name", flat=True))
    except DatabaseError:
        return None


def _jobs_the_catalog_will_offer(client: JenkinsClient, settings: Config) -> list[str]:
    """Before the first sync: the buildable jobs Jenkins lists that `[catalog]` exposes,
    which is what `releasegate sync` will store."""
    from releasegate.catalog.sync import is_exposed

    listing = client.list_jobs()
    options = settings.options.catalog
    return [
        job.full_name
        for job in listing.jobs
        if job.buildable and is_exposed(job.full_name, options)
    ]
