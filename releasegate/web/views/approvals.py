"""ReleaseGate's own approvals on the dashboard: what waits for the signed-in person's
decision (with their messages), and deciding one (Approve, or Refuse with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from releasegate.releases.approvals import registry
from releasegate.releases.approvals.errors import ActionRefused, ApprovalNotFound
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.approvals.registry import NotEnabled
from releasegate.releases.local.approvals import awaiting
from releasegate.releases.local.decisions import PROVIDER, REASON_LENGTH, NotYours
from releasegate.releases.models import LocalApproval
from releasegate.web.models import platform_user_id
from releasegate.web.personal import notifications_for

STATUS_NAMES = {
    "pending": gettext_lazy("waiting for the approvers"),
    "approved": gettext_lazy("approved"),
    "refused": gettext_lazy("refused"),
    "expired": gettext_lazy("expired: nobody decided in time"),
}
DECISION_NAMES = {
    "approve": gettext_lazy("approved"),
    "refuse": gettext_lazy("refused"),
}
_TAKEN = {
    "approve": gettext_lazy("You approved request %(id)s."),
    "refuse": gettext_lazy("You refused request %(id)s; the person who asked is told."),
}


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The approvals waiting for me, the requests I made, and the messages sent to me."""
    login = platform_user_id(request.user, PROVIDER)
    asked = LocalApproval.objects.filter(originator=login)[:20]
    context = {
        "enabled": PROVIDER in registry.enabled(),
        "awaiting": awaiting(login),
        "asked": [(approval, STATUS_NAMES.get(approval.status, "")) for approval in asked],
        "notifications": notifications_for(request.user),
    }
    return render(request, "web/approvals.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, instance_id: str) -> HttpResponse:
    """Approve or refuse as the signed-in approver; back to the request's page."""
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "").strip()[:REASON_LENGTH]
    back = redirect("web:request-sent", instance_id=instance_id)
    if decision not in (Decision.APPROVE, Decision.REFUSE):
        messages.error(request, _("Choose Approve or Refuse."))
        return back
    if decision == Decision.REFUSE and not reason:
        messages.error(request, _("Say why you refuse: the person who asked is told."))
        return back
    try:
        source = registry.get(PROVIDER).source
    except NotEnabled:
        messages.error(request, _("ReleaseGate's own approvals are not configured."))
        return back
    login = platform_user_id(request.user, PROVIDER)
    try:
        source.act(instance_id, login, login, Decision(decision), reason)
    except ApprovalNotFound:
        raise Http404(_("There is no such approval.")) from None
    except NotYours as refusal:
        raise PermissionDenied(refusal.message) from None
    except ActionRefused as refusal:
        messages.error(
            request, _("Your decision was not taken: %(why)s") % {"why": refusal.message}
        )
        return back
    messages.success(request, str(_TAKEN[decision]) % {"id": instance_id})
    return back
