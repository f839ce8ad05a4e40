"""Rolling back to the last good release: a new request for an application, prefilled
with the approved parameters of its last release that succeeded, marked as a rollback
and linked both ways (`Release.rollback_of`, `Release.rollback_to`, and back through
`rollbacks`).

A rollback is a request like any other: it is checked at submit, approved in the platform
that takes requests, and judged by the engine. The one difference is that configuration
may let an approved rollback run during a freeze (`[releases] rollback_through_freeze`);
nothing lets it run without an approval.

Between the request and its approval the rollback is a `RollbackRequest`, found again by
its approval when ingest makes the release. The refusals are written for the person who
asked, in Chinese, like the submit check's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.catalog.snapshot import CatalogApplication
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import Release, ReleaseState, RollbackRequest
from releasegate.releases.refusals import GENERAL, Listing, Refusal
from releasegate.releases.transitions import record


class RollbackRefused(Exception):
    """There is nothing to roll back to (or from); `refusal` says why (as a `str`, in the
    site's default language; `refusal.shown()` in the reader's)."""

    def __init__(self, said: str, **values: object) -> None:
        self.refusal = Refusal(said, GENERAL, "", **values)
        super().__init__(self.refusal)


@dataclass(frozen=True)
class RollbackPlan:
    """What a rollback asks for: `request` re-runs `rollback_to`'s approved parameters in
    place of `rollback_of`."""

    rollback_of: Release
    rollback_to: Release
    request: ReleaseRequest
    requested_by: str
    reason: str = ""


def last_good_release(application_name: str, *, other_than: int | None = None) -> Release | None:
    """The application's SUCCEEDED release that finished last (besides `other_than`)."""
    succeeded = Release.objects.filter(
        application_name=application_name, state=ReleaseState.SUCCEEDED
    )
    if other_than is not None:
        succeeded = succeeded.exclude(pk=other_than)
    return succeeded.order_by("-finished_at", "-id").first()


def latest_release(application_name: str) -> Release | None:
    """The application's release that reached Jenkins last: what runs there now, or
    failed to replace it."""
    ran: QuerySet[Release] = Release.objects.filter(
        application_name=application_name, trigger_attempted_at__isnull=False
    )
    return ran.order_by("-trigger_attempted_at", "-id").first()


def plan_rollback(
    *,
    requested_by: str,
    application: str = "",
    release_id: int | None = None,
    to_release_id: int | None = None,
    reason: str = "",
) -> RollbackPlan:
    """The rollback from release `release_id` (else from `application`'s latest release)
    to the last good release other than that one (or to `to_release_id`, when the person
    saw and chose it). Raises `RollbackRefused` saying why there is none."""
    rolled_back = _rolled_back(application, release_id)
    good = _good(rolled_back, to_release_id)
    return RollbackPlan(
        rollback_of=rolled_back,
        rollback_to=good,
        request=_request_of(good),
        requested_by=requested_by,
        reason=reason,
    )


def _rolled_back(application: str, release_id: int | None) -> Release:
    if release_id is not None:
        release = Release.objects.filter(pk=release_id).first()
        if release is None:
            raise RollbackRefused(gettext_noop("Release #%(id)s does not exist"), id=release_id)
        if application and release.application_name != application:
            said = gettext_noop("Release #%(id)s is not a release of %(application)s")
            raise RollbackRefused(said, id=release_id, application=application)
        if release.trigger_attempted_at is None:
            # Nothing of it reached Jenkins, so there is nothing to undo: it can be cancelled.
            said = gettext_noop("Release #%(id)s has not run: cancel it instead of rolling back")
            raise RollbackRefused(said, id=release_id)
        return release
    latest = latest_release(application)
    if latest is None:
        said = gettext_noop(
            "%(application)s has never been released: there is nothing to roll back"
        )
        raise RollbackRefused(said, application=application)
    return latest


def _good(rolled_back: Release, to_release_id: int | None) -> Release:
    name = rolled_back.application_name
    if to_release_id is None:
        good = last_good_release(name, other_than=rolled_back.pk)
        if good is None:
            said = gettext_noop(
                "%(application)s has no successful release besides #%(id)s: "
                "there is nothing to roll back to"
            )
            raise RollbackRefused(said, application=name, id=rolled_back.pk)
        return good
    chosen = Release.objects.filter(pk=to_release_id).first()
    if (
        chosen is None
        or chosen.pk == rolled_back.pk
        or chosen.application_name != name
        or chosen.state != ReleaseState.SUCCEEDED
    ):
        said = gettext_noop(
            "Release #%(id)s is not a successful release of %(application)s to roll back to"
        )
        raise RollbackRefused(said, id=to_release_id, application=name)
    return chosen


def _request_of(good: Release) -> ReleaseRequest:
    """The request that asks again for `good`'s approved parameters, in the form's fields.
    Refused when the form cannot carry a parameter whose value then was not the job's
    default now: Jenkins would run the default, and the rollback would not be one."""
    options = settings.CONFIG.options
    mapping = options.form
    application = find_application(snapshot.current(), good.application_name, good.project_key)
    if application is None:
        said = gettext_noop(
            "%(application)s no longer exists, is disabled or is not offered for release"
        )
        raise RollbackRefused(said, application=good.application_name)
    formed = {name for names in mapping.parameter_names().values() for name in names}
    approved = {str(name): _text(value) for name, value in good.approved_parameters.items()}
    drifted = _drifted(application, approved, formed, mapping, options.releases)
    if drifted:
        said = gettext_noop(
            "The form has no field for %(names)s, whose default now differs from the value "
            "release #%(id)s ran with: it cannot be rolled back with its parameters"
        )
        raise RollbackRefused(said, names=Listing(drifted), id=good.pk)
    return ReleaseRequest(
        project=good.project_key,
        application=good.application_name,
        release_type=good.release_type,
        parameters={name: value for name, value in approved.items() if name in formed},
    )


def _drifted(
    application: CatalogApplication,
    approved: dict[str, str],
    formed: set[str],
    mapping: FormMapping,
    options: ReleaseOptions,
) -> list[str]:
    """Parameters outside the form whose default now differs from what the good release
    ran with (the release id and the release type are the release's own)."""
    own = {options.release_id_parameter, mapping.release_type_parameter}
    return [
        parameter.name
        for parameter in application.parameters
        if parameter.name not in formed
        and parameter.name not in own
        and parameter.name in approved
        and parameter.default is not None
        and _text(parameter.default) != approved[parameter.name]
    ]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def remember(plan: RollbackPlan, *, provider: str, instance_id: str, now: datetime) -> None:
    """Keep the rollback with its approval, and say so on the release rolled back from
    (inside the caller's transaction). Ingest may already have made the release of the
    approval (a platform that answered at once): it is marked here then."""
    asked = RollbackRequest.objects.create(
        provider=provider,
        instance_id=instance_id,
        rollback_of=plan.rollback_of,
        rollback_to=plan.rollback_to,
        requested_by=plan.requested_by[:150],
        reason=plan.reason,
        requested_at=now,
    )
    record(
        plan.rollback_of,
        "rollback-requested",
        actor=plan.requested_by,
        now=now,
        reason=plan.reason,
        details=_details(asked),
    )
    made = Release.objects.filter(
        approval__provider=provider, approval__instance_id=instance_id, is_rollback=False
    ).first()
    if made is not None:
        _mark(made, asked)


def mark_if_rollback(release: Release) -> bool:
    """Mark a release just made from an approval as the rollback it was asked as (inside
    ingest's transaction); whether it was one."""
    asked = RollbackRequest.objects.filter(
        provider=release.approval.provider, instance_id=release.approval.instance_id
    ).first()
    if asked is None:
        return False
    _mark(release, asked)
    return True


def _mark(release: Release, asked: RollbackRequest) -> None:
    release.is_rollback = True
    release.rollback_of_id = asked.rollback_of_id
    release.rollback_to_id = asked.rollback_to_id
    release.save(update_fields=["is_rollback", "rollback_of", "rollback_to"])
    record(
        release,
        "rollback",
        actor=asked.requested_by,
        now=asked.requested_at,
        reason=asked.reason,
        details=_details(asked),
    )


def _details(asked: RollbackRequest) -> dict[str, Any]:
    return {
        "rollback_of": asked.rollback_of_id,
        "rollback_to": asked.rollback_to_id,
        "requested_by": asked.requested_by,
        "approval_instance_id": asked.instance_id,
    }
