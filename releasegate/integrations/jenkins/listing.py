"""Listing every job and folder of a Jenkins server with its parameter definitions.

One `tree=` request reaches `levels` folders deep. Below that Jenkins returns children
as bare `{"_class": ...}` objects, which is the signal to ask again at that folder
(python-jenkins' get_all_jobs uses the same signal).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from releasegate.integrations.jenkins.models import (
    JOB_KINDS,
    Folder,
    Job,
    JobKind,
    ParameterDefinition,
)
from releasegate.integrations.jenkins.raw import RawJob

# Only what the catalog uses: the listing of a large Jenkins is megabytes, and every field
# costs Jenkins, the network and the parser. `_class` comes with every object anyway;
# full names are built from the folder path.
JOB_FIELDS = (
    "name,displayName,description,url,color,buildable,"
    "property[parameterDefinitions[name,type,description,choices,defaultParameterValue[value]]]"
)


def listing_tree(levels: int) -> str:
    """`jobs[FIELDS,jobs[FIELDS,...jobs]]`, nested `levels` deep.

    Raises ValueError below one level: the root's own children would come back as bare
    `{"_class": ...}` objects with no name, and the listing would silently be empty.
    """
    if levels < 1:
        raise ValueError(f"folder levels must be at least 1, not {levels}")
    tree = "jobs"
    for _ in range(levels):
        tree = f"jobs[{JOB_FIELDS},{tree}]"
    return tree


def list_all_jobs(
    fetch: Callable[[str], RawJob], job_path: Callable[[str], str]
) -> tuple[tuple[Folder, ...], tuple[Job, ...]]:
    """Walk the server from the root; `fetch(path)` returns the listing at `path`."""
    folders: list[Folder] = []
    jobs: list[Job] = []
    pending: deque[str | None] = deque([None])
    while pending:
        folder = pending.popleft()
        path = "api/json" if folder is None else f"{job_path(folder)}/api/json"
        _walk(fetch(path).get("jobs") or [], folder, folders, jobs, pending)
    return tuple(folders), tuple(jobs)


def _walk(
    items: list[RawJob],
    parent: str | None,
    folders: list[Folder],
    jobs: list[Job],
    pending: deque[str | None],
) -> None:
    for item in items:
        name = item.get("name")
        if name is None:
            continue
        full_name = item.get("fullName") or (f"{parent}/{name}" if parent else name)
        children = item.get("jobs")
        if children is None:
            jobs.append(_job(item, name, full_name))
            continue
        folders.append(
            Folder(
                full_name=full_name,
                display_name=item.get("displayName") or name,
                description=item.get("description") or "",
                jenkins_class=item.get("_class", ""),
            )
        )
        if any(child.get("name") is None for child in children):
            pending.append(full_name)
        else:
            _walk(children, full_name, folders, jobs, pending)


def _job(item: RawJob, name: str, full_name: str) -> Job:
    parameters = tuple(
        ParameterDefinition.from_raw(definition)
        for prop in item.get("property") or []
        for definition in prop.get("parameterDefinitions") or []
    )
    buildable = item.get("buildable")
    if buildable is None:
        buildable = not item.get("disabled") and item.get("color") != "disabled"
    jenkins_class = item.get("_class", "")
    return Job(
        full_name=full_name,
        display_name=item.get("displayName") or name,
        description=item.get("description") or "",
        url=item.get("url") or "",
        jenkins_class=jenkins_class,
        kind=JOB_KINDS.get(jenkins_class, JobKind.OTHER),
        buildable=buildable,
        color=item.get("color"),
        parameters=parameters,
    )
