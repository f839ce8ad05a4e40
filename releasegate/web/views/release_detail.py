"""One release: what it changes, everything that happened to it, the rollbacks linked to
it, the operator's Cancel and Retry buttons, and Roll back (to the application's last
good release)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from releasegate.connections import NotConfigured, jenkins_client
from releasegate.lib.http import OutboundError
from releasegate.releases.changes import BUILDS_READ, changes_of, configured_jenkins, of_release
from releasegate.releases.messages import release_passwords
from releasegate.releases.models import Release, ReleaseState, RollbackRequest
from releasegate.releases.operators import CannotCancel, CannotRetry, cancel_release, retry_release
from releasegate.releases.parameters import shown_parameters
from releasegate.releases.rollbacks import last_good_release
from releasegate.web.platform_names import platform_name
from releasegate.web.timeline import CONSOLE_STATES, approval_url, queue_url, timeline


def may_cancel(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_staff or user.has_perm("releases.change_release")


@login_required
def show(request: HttpRequest, release_id: int) -> HttpResponse:
    release = get_object_or_404(
        Release.objects.select_related("approval", "application"), pk=release_id
    )
    proposed = of_release(release)
    context = {
        "release": release,
        "approval": release.approval,
        "timeline": timeline(release),
        "parameters": _parameters(release, proposed.declared),
        "notifications": release.notifications.all(),
        "queue_url": queue_url(release),
        "approval_url": approval_url(release),
        "platform_name": platform_name(release.approval.provider),
        "show_console": release.state in CONSOLE_STATES and bool(release.console_tail),
        "may_cancel": may_cancel(request.user) and not release.terminal,
        # Offered once the release reached Jenkins, when there is a good release to go
        # back to (other than this one); one that has not run is cancelled instead.
        "last_good": last_good_release(release.application_name, other_than=release.pk)
        if release.trigger_attempted_at
        else None,
        "rollbacks": _rollbacks(release),
        "may_retry": may_cancel(request.user) and release.state == ReleaseState.ERROR,
        "changes": changes_of(proposed, configured_jenkins),
        "builds_read": BUILDS_READ,
    }
    return render(request, "web/release_detail.html", context)


def _rollbacks(release: Release) -> list[tuple[RollbackRequest, Release | None]]:
    """The rollbacks asked for from this release, newest first, each with the release it
    became once approved (None while it waits, or if it was refused)."""
    made = {
        (rollback.approval.provider, rollback.approval.instance_id): rollback
        for rollback in release.rollbacks.select_related("approval")
    }
    return [
        (asked, made.get((asked.provider, asked.instance_id)))
        for asked in release.rollback_requests.all()
    ]


def _parameters(release: Release, declared: Sequence[str]) -> list[tuple[str, object, object]]:
    """(name, as requested, as approved) for every parameter either one names, in the
    order the job declares them (the database may keep another: PostgreSQL's jsonb sorts
    keys), then the others as they came; a password parameter's value masked."""
    passwords = release_passwords(release)
    requested = shown_parameters(release.requested_parameters, passwords)
    approved = shown_parameters(release.approved_parameters, passwords)
    names = list(dict.fromkeys([*requested, *approved]))
    order = {name: index for index, name in enumerate(declared)}
    names.sort(key=lambda name: order.get(name, len(order)))
    return [(name, requested.get(name), approved.get(name)) for name in names]


@login_required
@require_POST
def cancel(request: HttpRequest, release_id: int) -> HttpResponse:
    if not may_cancel(request.user):
        raise PermissionDenied(_("Cancelling a release needs the permission to change releases."))
    release = get_object_or_404(Release, pk=release_id)
    if release.terminal:
        messages.error(
            request,
            _("Release %(id)s has ended (%(state)s): there is nothing to cancel.")
            % {"id": release.pk, "state": release.state},
        )
        return redirect("web:release", release_id=release.pk)
    reason = request.POST.get("reason", "").strip()[:500]
    actor = f"dashboard:{request.user.get_username()}"
    try:
        _cancel(release.pk, actor, reason)
    except CannotCancel as refusal:
        messages.error(
            request,
            _("Release %(id)s was not cancelled: %(why)s")
            % {
                "id": release.pk,
                "why": refusal,
            },
        )
    else:
        messages.success(
            request, _("Release %(id)s is cancelled; its people are told.") % {"id": release.pk}
        )
    return redirect("web:release", release_id=release.pk)


def _cancel(release_id: int, actor: str, reason: str) -> None:
    """Cancel through the operators' path; only a queued release needs Jenkins."""
    try:
        jenkins = jenkins_client(settings.CONFIG)
    except NotConfigured:
        cancel_release(release_id, actor=actor, reason=reason)
        return
    with jenkins:
        try:
            cancel_release(release_id, actor=actor, reason=reason, jenkins=jenkins)
        except OutboundError as failure:
            raise CannotCancel(
                _("Jenkins could not be asked: %(error)s") % {"error": failure}
            ) from failure


@login_required
@require_POST
def retry(request: HttpRequest, release_id: int) -> HttpResponse:
    """Retry an ERROR release through the operators' path (the approval is asked again)."""
    if not may_cancel(request.user):
        raise PermissionDenied(_("Retrying a release needs the permission to change releases."))
    release = get_object_or_404(Release, pk=release_id)
    reason = request.POST.get("reason", "").strip()[:500]
    actor = f"dashboard:{request.user.get_username()}"
    try:
        retry_release(release.pk, actor=actor, reason=reason)
    except (CannotRetry, OutboundError) as refusal:
        messages.error(
            request,
            _("Release %(id)s was not retried: %(why)s") % {"id": release.pk, "why": refusal},
        )
    else:
        messages.success(
            request,
            _("Release %(id)s is retried: it goes on from where Jenkins stands.")
            % {"id": release.pk},
        )
    return redirect("web:release", release_id=release.pk)
