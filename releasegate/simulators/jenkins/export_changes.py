"""The change sets a build exports: the commits its SCM checkout found since the
previous build, as the Git plugin records them.

Sources (jenkinsci/git-plugin, jenkinsci/jenkins core): `ChangeLogSet` and its `Entry` are
@ExportedBean(defaultVisibility = 999), so they show at any depth; Entry exports `msg`
(the first line), `author` (a User: `absoluteUrl` and `fullName` at visibility 999),
`affectedPaths`, `commitId` and `timestamp`; GitChangeSet adds `authorEmail`, `comment`
(the whole message), `date`, `id` and `paths` (GitChangeSet.Path, visibility 999 too);
GitChangeSetList adds `kind` ("git") and, reversing git's newest-first log, lists its
`items` oldest first. A pipeline run (WorkflowRun) exports `changeSets`, one list per
checkout and none without changes; a freestyle build (AbstractBuild) exports one
`changeSet`, empty without an SCM.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from releasegate.simulators.jenkins.model import SimBuild, SimCommit
from releasegate.simulators.jenkins.tree import VISIBILITY

Json = dict[str, Any]

_EVERYWHERE = {"*": 999}
_USER_VISIBILITY = {"absoluteUrl": 999, "fullName": 999}
_EMPTY: Json = {
    "_class": "hudson.scm.EmptyChangeLogSet",
    VISIBILITY: _EVERYWHERE,
    "items": [],
    "kind": None,
}


def change_sets(build: SimBuild, root: str) -> list[Json]:
    """WorkflowRun.changeSets: the Git change log of its checkout, when it found commits."""
    return [_git_list(build.commits, root)] if build.commits else []


def change_set(build: SimBuild, root: str) -> Json:
    """AbstractBuild.changeSet: the Git change log, or the empty set of a job whose
    checkout found nothing."""
    return _git_list(build.commits, root) if build.commits else dict(_EMPTY)


def _git_list(commits: list[SimCommit], root: str) -> Json:
    return {
        "_class": "hudson.plugins.git.GitChangeSetList",
        VISIBILITY: _EVERYWHERE,
        "items": [_entry(commit, root) for commit in commits],
        "kind": "git",
    }


def _entry(commit: SimCommit, root: str) -> Json:
    spec = commit.spec
    author_id = spec.author_email.split("@")[0] or spec.author.lower().replace(" ", ".")
    return {
        "_class": "hudson.plugins.git.GitChangeSet",
        VISIBILITY: _EVERYWHERE,
        "affectedPaths": list(spec.paths),
        "commitId": commit.commit_id,
        "timestamp": int(commit.at * 1000),
        "author": {
            "_class": "hudson.model.User",
            VISIBILITY: _USER_VISIBILITY,
            "absoluteUrl": f"{root}user/{quote(author_id, safe='')}",
            "fullName": spec.author,
        },
        "authorEmail": spec.author_email,
        "comment": spec.message + "\n",
        # GitChangeSet.getDate: the author date as git prints it.
        "date": time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(commit.at)),
        "id": commit.commit_id,
        "msg": spec.message.split("\n", 1)[0],
        "paths": [
            {VISIBILITY: _EVERYWHERE, "editType": "edit", "file": path} for path in spec.paths
        ],
    }
