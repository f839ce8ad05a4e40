"""Listing every job and folder of a Jenkins server with its parameter definitions.

One `tree=` request reaches `levels` folders deep. Below that Jenkins returns children
as bare `{"_class": ...}` objects, which is the signal to ask again at that folder
(python-jenkins' get_all_jobs uses the same signal).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from releasegate.integrations.jenkins.models import (
    JOB_KINDS,
    Folder,
    Job,
    JobKind,
    ParameterDefinition,
    RawJob,
)

JOB_FIELDS = (
    "_class,name,fullName,displayName,description,url,color,buildable,disabled,"
    "property[_class,parameterDefinitions[_class,name,type,description,choices,"
    "defaultParameterValue[_class,name,value]]]"
)


def listing_tree(levels: int) -> str:
    """`jobs[FIELDS,jobs[FIELDS,...jobs]]`, nested `levels` deep."""
    tree = "jobs"
    for _ in range(levels):
        tree = f"jobs[{JOB_FIELDS},{tree}]"
    return tree


def list_all_jobs(
    fetch: Callable[[str], Any], job_path: Callable[[str], str]
) -> tuple[tuple[Folder, ...], tuple[Job, ...]]:
    """Walk the server from the root; `fetch(path)` returns the JSON listing at `path`."""
    folders: list[Folder] = []
    jobs: list[Job] = []
    pending: deque[str | None] = deque([None])
    while pending:
        folder = pending.popleft()
        path = "api/json" if folder is None else f"{job_path(folder)}/api/json"
        listing = RawJob.model_validate(fetch(path))
        _walk(listing.jobs or [], folder, folders, jobs, pending)
    return tuple(folders), tuple(jobs)


def _walk(
    items: list[RawJob],
    parent: str | None,
    folders: list[Folder],
    jobs: list[Job],
    pending: deque[str | None],
) -> None:
    for item in items:
        if item.name is None:
            continue
        full_name = item.fullName or (f"{parent}/{item.name}" if parent else item.name)
        if item.jobs is None:
            jobs.append(_job(item, full_name))
            continue
        folders.append(
            Folder(
                full_name=full_name,
                display_name=item.displayName or item.name,
                description=item.description or "",
                jenkins_class=item.class_,
            )
        )
        if any(child.name is None for child in item.jobs):
            pending.append(full_name)
        else:
            _walk(item.jobs, full_name, folders, jobs, pending)


def _job(item: RawJob, full_name: str) -> Job:
    parameters = tuple(
        ParameterDefinition.from_raw(definition)
        for prop in item.property
        for definition in prop.parameterDefinitions or []
    )
    if item.buildable is not None:
        buildable = item.buildable
    else:
        buildable = not item.disabled and item.color != "disabled"
    return Job(
        full_name=full_name,
        display_name=item.displayName or item.name or full_name,
        description=item.description or "",
        url=item.url or "",
        jenkins_class=item.class_,
        kind=JOB_KINDS.get(item.class_, JobKind.OTHER),
        buildable=buildable,
        color=item.color,
        parameters=parameters,
    )
