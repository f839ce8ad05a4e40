"""The release page's "Roll back": the new-release form prefilled with the application's
last good release (its SUCCEEDED release that finished last, other than this one), for
the person to review and send. The job and its parameters are the good release's and
cannot be changed here (that would be a new release, not a rollback); when and whether a
database changes are asked as on the new-release page."""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.errors import StartRefused
from releasegate.releases.approvals.registry import Provider
from releasegate.releases.messages import release_passwords
from releasegate.releases.models import Release
from releasegate.releases.parameters import shown_parameters
from releasegate.releases.refusals import DB_CHANGE, GENERAL, RELEASE_TIME
from releasegate.releases.requests import RequestRefused, submit
from releasegate.releases.rollbacks import RollbackPlan, RollbackRefused, plan_rollback
from releasegate.web.models import platform_user_id
from releasegate.web.platform_names import platform_name
from releasegate.web.request_form import place_problems, read_when_and_database
from releasegate.web.views.requests import request_platform

log = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def roll_back(request: HttpRequest, release_id: int) -> HttpResponse:
    rolled_back = get_object_or_404(Release, pk=release_id)
    platform = request_platform()
    originator = platform_user_id(request.user, platform.name) if platform else ""
    posted = request.POST if request.method == "POST" else None
    context: dict[str, object] = {
        "rolled_back": rolled_back,
        "platform": platform.name if platform else "",
        "platform_name": platform_name(platform.name) if platform else "",
        "originator": originator,
        "values": posted if posted is not None else {},
    }
    try:
        plan = _plan(request, rolled_back, posted)
    except RollbackRefused as refused:
        context["refusal"] = refused.refusal.shown()
        return render(request, "web/request_rollback.html", context, status=400)
    problems: dict[str, list[str]] = {}
    if posted is not None and platform is not None and originator:
        outcome = _submit(plan, posted, originator, platform)
        if isinstance(outcome, str):
            return redirect("web:request-sent", instance_id=outcome)
        problems = outcome
    context.update(plan=plan, problems=problems, parameters=_shown(plan.rollback_to))
    return render(request, "web/request_rollback.html", context, status=400 if problems else 200)


def _plan(request: HttpRequest, rolled_back: Release, posted: QueryDict | None) -> RollbackPlan:
    """The rollback this page offers; once posted, to the good release the person saw."""
    shown_to = posted.get("rollback_to", "") if posted is not None else ""
    return plan_rollback(
        requested_by=request.user.get_username(),
        release_id=rolled_back.pk,
        to_release_id=int(shown_to) if _an_id(shown_to) else None,
        reason=posted.get("reason", "").strip()[:500] if posted is not None else "",
    )


def _an_id(text: str) -> bool:
    """Digits a database key can hold (a longer number would overflow the query)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _submit(
    plan: RollbackPlan, posted: QueryDict, originator: str, platform: Provider
) -> str | dict[str, list[str]]:
    """The started approval's instance id, or the problems by page field."""
    asked = dataclasses.replace(plan.request, **read_when_and_database(posted))
    try:
        return submit(asked, originator_user_id=originator, source=platform.source, rollback=plan)
    except RequestRefused as refused:
        return _on_the_page(place_problems(refused.problems, list(plan.request.parameters)))
    except StartRefused as refused:  # `submit` logged it
        said = refused.refusal.shown() if refused.refusal else str(refused)
        return {GENERAL: [_("The approval was not started: %s") % said]}
    except OutboundError as failure:  # `submit` logged it
        return {GENERAL: [_("The approval was not started: %s") % failure]}
    except ValueError as failure:
        log.warning("starting a rollback approval for %s failed: %s", originator, failure)
        return {GENERAL: [_("The approval was not started: %s") % failure]}


# The fields this page lets the person change; a refusal about any other is the page's.
_ASKED_HERE = (RELEASE_TIME, DB_CHANGE)


def _on_the_page(placed: dict[str, list[str]]) -> dict[str, list[str]]:
    """Refusals under the fields the page shows, the others (the good release's
    parameters, fixed here) above the form."""
    shown = {field: placed[field] for field in _ASKED_HERE if field in placed}
    rest = [
        problem for field, said in placed.items() if field not in _ASKED_HERE for problem in said
    ]
    return {**shown, GENERAL: rest} if rest else shown


def _shown(good: Release) -> dict[str, object]:
    """The good release's approved parameters as the page shows them (passwords masked),
    but its own release id: the rollback gets its own."""
    own_id = settings.CONFIG.options.releases.release_id_parameter
    approved = {k: v for k, v in good.approved_parameters.items() if k != own_id}
    return shown_parameters(approved, release_passwords(good))
