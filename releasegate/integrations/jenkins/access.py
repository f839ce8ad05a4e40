"""What the configured address and user can do in Jenkins, found without changing
anything there: the preflight `releasegate check --connect` runs.

Whether the user may build a job is read from the job's `contextMenu`, the JSON of its
side panel's tasks (jenkinsci/jenkins core, ModelObjectWithContextMenu.ContextMenu.from,
used by every breadcrumb dropdown). The Build task is rendered only for a buildable job
and only with Item.BUILD: lib/hudson/project/configurable.jelly,
`<l:task href="${url}/build?delay=0sec" permission="${it.BUILD}">` inside
`<j:if test="${it.buildable}">`, and lib/layout/task.jelly renders a task only when
`h.hasPermission(it, permission)`. With the new job page (an experimental flag, 2.560+)
the menu lists app bar actions instead, and BuildJobAction.Factory adds the Build action,
marked `semantic: BUILD`, under the same two conditions.

Never ask `build` or `buildWithParameters` instead: they are what starts a build, and
Jenkins checks Item.BUILD before the HTTP method (BuildAuthorizationToken.checkPermission),
so any request that got past the permission check could queue a release nobody approved.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

import httpx
from pydantic import TypeAdapter

from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.parsing import validated
from releasegate.integrations.jenkins.raw import RawContextMenu, RawJobState, RawMenuItem
from releasegate.integrations.jenkins.session import JenkinsSession, job_path
from releasegate.lib.http import TRANSIENT_STATUSES

_ROOT_CLASS = "hudson.model.Hudson"
_CONTEXT_MENU = TypeAdapter(RawContextMenu)


class JobAccess(StrEnum):
    BUILDABLE = "buildable"
    # Seen, but Jenkins offers the user no Build action on it: no Job/Build.
    NOT_BUILDABLE_BY_USER = "not buildable by the user"
    # Seen, but disabled in Jenkins: nobody can build it now.
    DISABLED = "disabled"
    # 404 (or 403): no such job, or the user lacks Job/Read on it.
    NOT_VISIBLE = "not visible"


class AccessChecks(JenkinsSession):
    def root_version(self) -> str:
        """Jenkins' version, once the address is known to be Jenkins' root.

        Raises `AuthenticationFailed` (401), `JenkinsUnavailable` (5xx),
        `NotJenkinsRoot` (an answer without Jenkins' X-Jenkins header, a 404 at
        `api/json`, a redirect, or another object than the root), `PermissionDenied`
        (403: no Overall/Read), or the seam's `OutboundError` when nothing answered.
        """
        response = self._send("GET", "api/json", "Jenkins", params={"tree": "mode"}, ok=_ANY)
        status = response.status_code
        if status == 401 or status in TRANSIENT_STATUSES or status >= 500:
            raise errors.error_for(response, "Jenkins")
        if "X-Jenkins" not in response.headers:
            raise errors.NotJenkinsRoot(_not_jenkins(response), status=status)
        if status in (301, 302, 303, 307, 308, 404):
            raise errors.NotJenkinsRoot(_not_root(response), status=status)
        if status != 200:
            raise errors.error_for(response, "Jenkins")
        if _class_of(response) != _ROOT_CLASS:
            raise errors.NotJenkinsRoot("is a page inside Jenkins, not its root", status=200)
        return response.headers["X-Jenkins"]

    def job_access(self, full_name: str) -> JobAccess:
        """Whether the user can see and build the job; asks only pages that change
        nothing (the job's context menu; its `buildable` flag when the menu has no Build)."""
        path = job_path(full_name)
        what = f"job {full_name}"
        try:
            response = self._send("GET", f"{path}/contextMenu", what)
            menu = validated(_CONTEXT_MENU, response, what)
            if any(_is_build(item) for item in menu.items):
                return JobAccess.BUILDABLE
            state = self._get(RawJobState, f"{path}/api/json", what, tree="buildable")
        except (errors.NotFound, errors.PermissionDenied):
            # Jenkins answers 404 for a job the user may not read (403 with Job/Discover).
            return JobAccess.NOT_VISIBLE
        return JobAccess.NOT_BUILDABLE_BY_USER if state.buildable else JobAccess.DISABLED


_ANY = range(100, 600)


def _is_build(item: RawMenuItem) -> bool:
    return item.semantic == "BUILD" or urlsplit(item.url or "").path.endswith("/build")


def _class_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("_class", "")) if isinstance(body, dict) else ""


def _not_jenkins(response: httpx.Response) -> str:
    said = f"HTTP {response.status_code} without Jenkins' X-Jenkins header"
    location = response.headers.get("Location")
    if location:
        return f"answers ({said}) with a redirect to {location}: is that Jenkins' root?"
    return (
        f"answers ({said}) but is not Jenkins' root; is the context path (e.g. /jenkins) missing?"
    )


def _not_root(response: httpx.Response) -> str:
    if response.status_code == 404:
        return (
            "reaches Jenkins, but not its root (404 at api/json); is the context path "
            "(e.g. /jenkins) wrong?"
        )
    location = response.headers.get("Location", "?")
    return f"reaches Jenkins, which redirects it to {location}: set Jenkins' root URL"
