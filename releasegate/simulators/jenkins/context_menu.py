"""A job's `contextMenu`: the JSON of its side panel's tasks, as the breadcrumb's dropdown
(and ReleaseGate's preflight) reads it.

Sources (jenkinsci/jenkins core): Actionable.doContextMenu runs the side panel
(`ModelObjectWithContextMenu.ContextMenu.from`) and keeps each `<l:task>` it renders,
serialised by `serveExposedBean` (MenuItem: url, displayName, icon, iconXml, post,
requiresConfirmation, type, subMenu, badge, description, group, event, semantic).
`<l:task permission=…>` (lib/layout/task.jelly) renders only when the caller holds the
permission on the job, and lib/hudson/project/configurable.jelly, included by
WorkflowJob's and AbstractProject's side panels, renders the Build task only when the job
is buildable: `href="${url}/build?delay=0sec" permission="${it.BUILD}"`. A task's href is
resolved against the request URI (MenuItem.withUrl), so URLs carry the context path.
Icons are approximations; the preflight never reads them.
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.jenkins.export import item_path
from releasegate.simulators.jenkins.model import SimJob
from releasegate.simulators.jenkins.security import Caller

Json = dict[str, Any]
MENU_CLASS = "jenkins.model.ModelObjectWithContextMenu$ContextMenu"


def context_menu(job: SimJob, caller: Caller, context_path: str) -> Json:
    base = f"{context_path}{item_path(job.full_name)}"
    items = [_item(f"{base}changes", "Changes", "symbol-changes")]
    if not job.spec.disabled and caller.may("build", job.full_name):
        title = "Build with Parameters" if job.spec.parameters else "Build Now"
        # Parameterized jobs open the form (GET); the others POST (configurable.jelly).
        post = not job.spec.parameters
        items.append(_item(f"{base}build?delay=0sec", title, "icon-clock icon-md", post=post))
    if caller.may("admin", job.full_name):
        items.append(_item(f"{base}configure", "Configure", "symbol-settings"))
    if job.spec.kind == "pipeline":
        items.append(_item(f"{base}pipeline-syntax", "Pipeline Syntax", "symbol-help"))
    return {"_class": MENU_CLASS, "items": items}


def _item(url: str, title: str, icon: str, *, post: bool = False) -> Json:
    return {
        "badge": None,
        "description": None,
        "displayName": title,
        "event": {
            "_class": "jenkins.model.menu.event.LinkEvent",
            "type": "POST" if post else "GET",
            "url": url,
        },
        "group": None,
        "icon": icon,
        "iconXml": None,
        "message": None,
        "post": post,
        "requiresConfirmation": False,
        "semantic": None,
        "subMenu": None,
        "type": "ITEM",
        "url": url,
    }
