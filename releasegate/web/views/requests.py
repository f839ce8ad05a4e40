"""The "new release" page, for companies whose approval form cannot call a connector and
for ReleaseGate's own approvals: the request is checked as the form's submit check would,
then started in the approval platform that takes requests, on the person's behalf (they
are its originator)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from releasegate.catalog import snapshot
from releasegate.catalog.snapshot import CatalogApplication
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.errors import StartRefused
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.approvals.registry import NotEnabled, Provider
from releasegate.releases.changes import (
    BUILDS_READ,
    ReleaseChanges,
    changes_of,
    configured_jenkins,
    of_form,
    of_request,
)
from releasegate.releases.local.approvals import awaiting
from releasegate.releases.local.decisions import PROVIDER
from releasegate.releases.local.notices import shown_form
from releasegate.releases.models import (
    Approval,
    ApprovalStatus,
    InboundEvent,
    LocalApproval,
    LocalDecision,
    RollbackRequest,
)
from releasegate.releases.refusals import GENERAL
from releasegate.releases.requests import RequestRefused, submit
from releasegate.web.models import platform_user_id
from releasegate.web.platform_names import APPROVAL_APPS, DECIDED_ONLY_THERE, platform_name
from releasegate.web.request_form import (
    chosen,
    parameter_fields,
    place_problems,
    project_value,
    read_request,
    release_type_choices,
)
from releasegate.web.views.approvals import DECISION_NAMES, STATUS_NAMES

log = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    platform = request_platform()
    originator = platform_user_id(request.user, platform.name) if platform else ""
    posted = request.POST if request.method == "POST" else None
    values = posted if posted is not None else request.GET
    project, application = chosen(values)
    problems: dict[str, list[str]] = {}
    if posted is not None and platform is None:
        problems = {GENERAL: [_("No approval platform is configured to start requests in.")]}
    elif posted is not None and originator and platform is not None:
        outcome = _submit(posted, application, originator, platform)
        if isinstance(outcome, str):
            return redirect("web:request-sent", instance_id=outcome)
        problems = outcome
    context = {
        "originator": originator,
        "platform": platform.name if platform else "",
        "platform_name": platform_name(platform.name) if platform else "",
        "projects": [(project_value(p), p) for p in snapshot.current().projects],
        "project": project,
        "project_choice": project_value(project) if project else "",
        "application": application,
        "values": values,
        "problems": problems,
        **_application_context(application, posted, problems),
    }
    return render(request, "web/request_new.html", context, status=400 if problems else 200)


def request_platform() -> Provider | None:
    """The platform that takes requests; None when none is configured."""
    try:
        return registry.for_requests()
    except NotEnabled:
        return None


def _submit(
    posted: QueryDict,
    application: CatalogApplication | None,
    originator: str,
    platform: Provider,
) -> str | dict[str, list[str]]:
    """The started approval's instance id, or the problems by page field."""
    try:
        return submit(
            read_request(posted, application),
            originator_user_id=originator,
            source=platform.source,
        )
    except RequestRefused as refused:
        names = [p.name for p in application.parameters] if application else []
        return place_problems(refused.problems, names)
    except StartRefused as refused:  # `submit` logged it
        said = refused.refusal.shown() if refused.refusal else str(refused)
        return {GENERAL: [_("The approval was not started: %s") % said]}
    except OutboundError as failure:  # `submit` logged it
        return {GENERAL: [_("The approval was not started: %s") % failure]}
    except ValueError as failure:
        log.warning("starting an approval for %s failed: %s", originator, failure)
        return {GENERAL: [_("The approval was not started: %s") % failure]}


def _application_context(
    application: CatalogApplication | None,
    posted: QueryDict | None,
    problems: dict[str, list[str]] | None = None,
) -> dict[str, object]:
    fields = parameter_fields(application, posted) if application else []
    return {
        "parameter_rows": [(f, (problems or {}).get(f.input_name, [])) for f in fields],
        "release_types": release_type_choices(application),
        "release_type": posted.get("release_type", "") if posted is not None else "",
    }


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """The application options of the chosen project (the page swaps them in)."""
    project, _application = chosen(request.GET)
    return render(
        request,
        "web/_application_options.html",
        {"project": project, "values": request.GET},
    )


@login_required
@require_GET
def parameters(request: HttpRequest) -> HttpResponse:
    """The fields of the chosen application (the page swaps them in)."""
    _project, application = chosen(request.GET)
    context = {"application": application, **_application_context(application, None)}
    return render(request, "web/_request_parameters.html", context)


@login_required
@require_GET
def sent(request: HttpRequest, instance_id: str) -> HttpResponse:
    """Where a request stands after it was started: with the approvers (in DingTalk, or
    here, where its approvers decide), then a release once they agreed."""
    asked = InboundEvent.objects.filter(via="request", instance_id=instance_id).first()
    approval = Approval.objects.filter(instance_id=instance_id).first()
    provider = approval.provider if approval else asked.provider if asked else ""
    local = _local_approval(instance_id) if provider in ("", PROVIDER) else None
    context: dict[str, object] = {
        "instance_id": instance_id,
        "known": approval is not None or asked is not None or local is not None,
        "approval": approval,
        "release": getattr(approval, "release", None) if approval else None,
    }
    if local is not None:
        provider = PROVIDER
        context.update(_decided_here(request, local))
    elif approval is not None and approval.status == ApprovalStatus.PENDING:
        context.update(_decided_there(approval))
    context["platform_name"] = platform_name(provider) if provider else _("the approval platform")
    # The approvers of a rollback should know it is one, and why.
    context["rollback"] = RollbackRequest.objects.filter(
        provider=provider, instance_id=instance_id
    ).first()
    return render(request, "web/request_sent.html", context)


def _local_approval(instance_id: str) -> LocalApproval | None:
    digits = instance_id.isascii() and instance_id.isdigit() and len(instance_id) <= 18
    return LocalApproval.objects.filter(pk=int(instance_id)).first() if digits else None


def _decided_here(request: HttpRequest, local: LocalApproval) -> dict[str, object]:
    """A request of ReleaseGate's own approvals: who decides, what each said, and the
    decision buttons for an approver whose word it waits for."""
    said = {d.approver: d for d in local.decisions.all()}
    return {
        "changes": _changes(local),
        "builds_read": BUILDS_READ,
        "local": local,
        "local_form": shown_form(local),
        "local_status": STATUS_NAMES.get(local.status, local.status),
        "tasks": [ApproverRow.of(approver, said.get(approver)) for approver in local.approvers],
        "may_decide": local in awaiting(platform_user_id(request.user, PROVIDER)),
    }


def _decided_there(approval: Approval) -> dict[str, object]:
    """A request pending in a platform's own approvals (a WeCom approval card opens this
    page): where its approvers decide it, and what it changes, read from its form."""
    options = settings.CONFIG.options
    values = {str(item.get("name", "")): str(item.get("value", "")) for item in approval.form}
    return {
        "approval_app": APPROVAL_APPS.get(approval.provider, ""),
        "decided_only_there": approval.provider in DECIDED_ONLY_THERE,
        "changes": changes_of(of_form(values, options.form, options.releases), configured_jenkins),
        "builds_read": BUILDS_READ,
    }


def _changes(local: LocalApproval) -> ReleaseChanges | None:
    """What the request changes, as its approvers' notice said (None for a request
    stored without its parts)."""
    if not local.request:
        return None
    request = ReleaseRequest(**local.request)
    config = settings.CONFIG.options
    return changes_of(of_request(request, config.form, config.releases), configured_jenkins)


@dataclass(frozen=True)
class ApproverRow:
    """One approver of a request, as the page lists them."""

    approver: str
    said: str = ""
    decided_at: datetime | None = None
    remark: str = ""

    @classmethod
    def of(cls, approver: str, decision: LocalDecision | None) -> ApproverRow:
        if decision is None:
            return cls(approver)
        said = str(DECISION_NAMES.get(decision.decision, decision.decision))
        return cls(approver, said, decision.decided_at, decision.remark)
