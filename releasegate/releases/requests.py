"""Requests made from ReleaseGate's side: the dashboard's "new release" page, `POST
/api/requests` and `releasegate request` all come here (for companies whose approval form
cannot call a connector, and for ReleaseGate's own approvals).

A request is checked exactly as the form's submit check would check it, then started as
an approval on the person's behalf in the platform that takes requests (they are its
originator). From then on it is an approval like any other: its outcome comes back
through the platform's events or reconcile, and only an approved one becomes a release.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project, option_label
from releasegate.config import FormMapping
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.ports import ApprovalSource, ReleaseRequest
from releasegate.releases.form import read_form
from releasegate.releases.inbox import record_delivery
from releasegate.releases.parameters import password_fields, password_names
from releasegate.releases.refusals import PARAMETER, SENTENCE_SEPARATOR, Listing, Phrase, Refusal
from releasegate.releases.rollbacks import RollbackPlan, remember
from releasegate.releases.rules import form_problems

logger = logging.getLogger("releasegate.requests")

__all__ = ["ReleaseRequest", "RequestRefused", "form_values", "password_labels", "submit"]


class RequestRefused(Exception):
    """The request would be blocked at submit; `problems` say why, in the users' words
    (each `shown()` in the page's or the caller's language, and naming its field)."""

    def __init__(self, problems: list[Refusal]) -> None:
        super().__init__(Listing(problems, SENTENCE_SEPARATOR))
        self.problems = problems


def form_values(request: ReleaseRequest, mapping: FormMapping) -> list[tuple[str, str]]:
    """The approval form's (label, value) pairs for the request, as the form itself would
    hold them: the chosen options' readable labels, the parameters in their fields."""
    catalog = snapshot.current()
    project = find_project(catalog, request.project)
    application = find_application(catalog, request.application, request.project)
    values = [
        (
            mapping.project,
            option_label(project.display_name, project.key) if project else request.project,
        ),
        (
            mapping.application,
            option_label(application.display_name, application.full_name)
            if application
            else request.application,
        ),
        (mapping.release_type, request.release_type),
        (mapping.release_time, request.release_time),
        (mapping.db_change, request.db_change),
        (mapping.db_change_done, request.db_change_done),
    ]
    for label, names in mapping.parameter_names().items():
        given = next((request.parameters[n] for n in names if request.parameters.get(n)), "")
        values.append((label, given))
    return [(label, value) for label, value in values if value != ""]


def password_labels(request: ReleaseRequest, mapping: FormMapping) -> frozenset[str]:
    """The form labels (of `form_values`) whose field fills a password parameter of the
    requested job: their values are masked wherever the form is shown."""
    catalog = snapshot.current()
    application = find_application(catalog, request.application, request.project)
    passwords = password_names(application.parameters) if application else frozenset()
    return password_fields(passwords, mapping)


# "Your account has no user id on <platform>", by platform.
_NO_USER_ID = {
    "dingtalk": gettext_noop("DingTalk user ID"),
    "feishu": gettext_noop("Feishu user ID"),
    "wecom": gettext_noop("WeCom user ID"),
}


def submit(
    request: ReleaseRequest,
    *,
    originator_user_id: str,
    source: ApprovalSource,
    now: datetime | None = None,
    rollback: RollbackPlan | None = None,
) -> str:
    """Check the request as the form's submit check would, start the approval on the
    originator's behalf in `source`'s platform, and return its id. Raises
    `RequestRefused` with the reasons (nothing is started then), or the platform's error
    when it refuses. `now` (the clock's unless given) is the moment the request is
    checked at and recorded with. A `rollback` is checked as one and remembered with its
    approval, so the release made of it is marked and linked."""
    if not originator_user_id:
        which = Phrase(_NO_USER_ID[source.provider]) if source.provider in _NO_USER_ID else None
        which = which or Phrase(gettext_noop("%(provider)s user ID"), provider=source.provider)
        said = gettext_noop("Your account has no %(which)s: the approval cannot be started for you")
        raise RequestRefused([Refusal(said, which=which)])
    moment = now or timezone.now()
    options = settings.CONFIG.options
    mapping = options.form
    values = form_values(request, mapping)
    problems = _unformed_parameters(request, mapping)
    problems += form_problems(
        read_form(dict(values), mapping),
        snapshot.current(),
        mapping,
        options.releases,
        moment,
        rollback=rollback is not None,
    )
    if problems:
        raise RequestRefused(problems)
    try:
        instance_id = source.start(originator_user_id, request)
    except OutboundError as exc:
        # Logged here, once, for the page, the API and the CLI alike: the person is told
        # it was not started, and nothing tries it again for them.
        logger.error(
            "starting a %s approval for %s failed: %s",
            source.provider,
            originator_user_id,
            exc,
            extra={"service": exc.service, "status": exc.status},
        )
        raise
    with transaction.atomic():
        # Remembered like a delivery, so the approval is known (and reconciled) at once.
        record_delivery(
            via="request",
            event_type="request",
            provider=source.provider,
            instance_id=instance_id,
            payload={"originator": originator_user_id, "form": dict(values)},
            now=moment,
        )
        if rollback is not None:
            remember(rollback, provider=source.provider, instance_id=instance_id, now=moment)
    return instance_id


def _unformed_parameters(request: ReleaseRequest, mapping: FormMapping) -> list[Refusal]:
    """Parameters the approval form has no field for: the approved form is all a release
    reads, so they would be silently dropped."""
    formed = {name for names in mapping.parameter_names().values() for name in names}
    said = gettext_noop(
        "The approval form has no field for parameter %(name)s: it cannot be filled in for you"
    )
    return [
        Refusal(said, field=PARAMETER, parameter=name, name=name)
        for name in sorted(request.parameters)
        if name not in formed and request.parameters[name]
    ]
