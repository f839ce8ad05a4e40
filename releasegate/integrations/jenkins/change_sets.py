"""The commits Jenkins recorded in a job's builds: the change sets its SCM checkouts
wrote, read in one request for the newest builds.

A pipeline run (WorkflowRun) exports `changeSets`, one list per checkout; a freestyle
build (AbstractBuild) exports one `changeSet`. Both are asked for in the same `tree`:
Jenkins leaves out a property a build does not have. Git's change log lists a build's
commits oldest first (GitChangeSetList reverses git's newest-first log).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from releasegate.integrations.jenkins.session import JenkinsSession, job_path

_ENTRY = "items[commitId,msg,author[fullName],timestamp]"
_TREE = "builds[number,result,timestamp,changeSets[{entry}],changeSet[{entry}]]{{0,{limit}}}"


class _Raw(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class RawAuthor(_Raw):
    fullName: str | None = None  # noqa: N815


class RawChangeEntry(_Raw):
    # Git exports the commit's hash; other SCMs may export none (ChangeLogSet.Entry).
    commitId: str | None = None  # noqa: N815
    msg: str | None = None
    author: RawAuthor | None = None
    timestamp: int | None = None


class RawChangeSet(_Raw):
    class_: str = Field("", alias="_class")
    items: list[RawChangeEntry | None] = []


class RawBuildChanges(_Raw):
    number: int
    result: str | None = None
    timestamp: int = 0
    changeSets: list[RawChangeSet | None] | None = None  # noqa: N815
    changeSet: RawChangeSet | None = None  # noqa: N815


class RawBuildChangesList(_Raw):
    builds: list[RawBuildChanges] | None = None


@dataclass(frozen=True)
class Commit:
    commit_id: str
    # The first line of the message, as Jenkins' `msg` gives it.
    message: str
    author: str
    # Milliseconds since the epoch; None when the SCM records no time (-1 in Jenkins).
    timestamp_ms: int | None


@dataclass(frozen=True)
class BuildChanges:
    number: int
    # None while the build runs.
    result: str | None
    timestamp_ms: int
    # Oldest first, as Jenkins lists them.
    commits: tuple[Commit, ...]


class ChangeSets(JenkinsSession):
    def recorded_changes(self, full_name: str, *, builds: int = 20) -> list[BuildChanges]:
        """The job's newest `builds` builds, newest first, each with the commits its change
        sets recorded. Raises the seam's errors (`OutboundError`) when Jenkins fails."""
        raw = self._get(
            RawBuildChangesList,
            f"{job_path(full_name)}/api/json",
            f"job {full_name}",
            tree=_TREE.format(entry=_ENTRY, limit=builds),
        )
        return [_build_changes(build) for build in raw.builds or []]


def _build_changes(raw: RawBuildChanges) -> BuildChanges:
    sets = [s for s in [*(raw.changeSets or []), raw.changeSet] if s is not None]
    commits = tuple(
        Commit(
            commit_id=entry.commitId or "",
            message=(entry.msg or "").split("\n", 1)[0],
            author=entry.author.fullName or "" if entry.author else "",
            timestamp_ms=entry.timestamp if entry.timestamp and entry.timestamp > 0 else None,
        )
        for change_set in sets
        for entry in change_set.items
        if entry is not None
    )
    return BuildChanges(raw.number, raw.result, raw.timestamp, commits)
