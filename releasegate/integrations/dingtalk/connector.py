"""The HTTP API DingTalk's connector platform (连接平台) calls for the approval form.

Five actions, all `POST` with a JSON body and a JSON answer (docs/dingtalk-setup.md has
their import-ready schemas): the project list when the form loads, the applications of a
project and the parameter choices of an application when a control changes, the check
when the form is submitted, and the connector node placed after the last approver.

The connector platform sends whatever we declare and parses the answer by the output
schema we declare; there is no DingTalk envelope (reference §1.2, "添加执行动作"). Every
call is authenticated as `DINGTALK_CONNECTOR_AUTH` says before its body is read, and
the option actions answer from the in-memory catalog only, never from Jenkins.

Errors are JSON, `{"error": "...", "field": "..."}`: 401 for authentication, 400 for a
body that does not fit the action (naming the field), 405 for another method, 413 for a
body above the limit, 429 for a caller over the rate limit (releasegate.integrations.guard),
503 when DingTalk is not configured. Nothing here answers with a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project
from releasegate.config import DingTalkSettings, FormMapping
from releasegate.integrations.dingtalk.approvals import PROVIDER
from releasegate.integrations.dingtalk.connector_options import (
    applications_answer,
    parameters_answer,
    projects_answer,
)
from releasegate.integrations.dingtalk.crypto import (
    SignatureError,
    verify_api_secret,
    verify_basic,
)
from releasegate.integrations.guard import public_endpoint
from releasegate.lib.log_throttle import WarningThrottle
from releasegate.lib.storable import unstorable
from releasegate.releases.form import RequestedRelease, read_form
from releasegate.releases.inbox import record_delivery
from releasegate.releases.rules import form_problems

logger = logging.getLogger("releasegate.dingtalk.connector")
# A client calling without credentials in a loop: one warning per address a minute.
REFUSALS = WarningThrottle(60)

Text = Annotated[str, StringConstraints(max_length=1000)]
ParameterName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
InstanceId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class _Body(BaseModel):
    # Strict: a number where text is declared is a mistake in the connector's input
    # mapping, and saying so at 立即调试 beats guessing. Unknown fields likewise.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ProjectsQuery(_Body):
    pass


class ApplicationsQuery(_Body):
    project: Text | None


class ParametersQuery(_Body):
    application: Text | None
    project: Text | None = None


class FormSubmission(_Body):
    """The form's values by role; the connector's input mapping ties each to a control."""

    project: Text | None
    application: Text | None
    release_type: Text | None = None
    # Date controls may hand over milliseconds since the epoch as a number.
    release_time: Text | int | None = None
    db_change: Text | bool | None = None
    db_change_done: Text | bool | None = None
    # Jenkins parameter name -> value (the 分支或标签 control's value under BRANCH, ...).
    parameters: Annotated[dict[ParameterName, Text | bool | None], Field(max_length=200)] = {}

    def requested(self, mapping: FormMapping) -> RequestedRelease:
        """The request as the approval's own form will read at ingest: the same
        `read_form`, so both agree on what "yes" and an empty field mean."""
        labels = {
            mapping.project: self.project,
            mapping.application: self.application,
            mapping.release_type: self.release_type,
            mapping.release_time: self.release_time,
            mapping.db_change: self.db_change,
            mapping.db_change_done: self.db_change_done,
        }
        base = read_form({label: _text(value) for label, value in labels.items()}, mapping)
        given = {name: _text(value).strip() for name, value in self.parameters.items()}
        return dataclasses.replace(
            base, parameters={name: value for name, value in given.items() if value}
        )


class ApprovedInstance(_Body):
    instance_id: InstanceId
    # Logged and kept with the delivery for the audit trail; never trusted: ingest reads
    # the approved form from DingTalk's API.
    form: Annotated[dict[Text, Any], Field(max_length=200)] = {}


def _text(value: str | int | bool | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


B = TypeVar("B", bound=_Body)
View = Callable[[HttpRequest], HttpResponse]


# An answer as a handler gives it: data to encode, or JSON already encoded (remembered).
Answer = dict[str, Any] | bytes


def action(model: type[B]) -> Callable[[Callable[[B], Answer]], View]:
    """Turn `handler(body) -> answer` into a view: POST only, authenticated, the body
    parsed into `model`, the answer as JSON."""

    def wrap(handler: Callable[[B], Answer]) -> View:
        @csrf_exempt
        @public_endpoint
        def view(request: HttpRequest) -> HttpResponse:
            if request.method != "POST":
                refused = answer({"error": "use POST"}, status=405)
                refused["Allow"] = "POST"
                return refused
            failure = authenticate(request)
            if failure is not None:
                return failure
            body = parse_body(request, model)
            if isinstance(body, HttpResponse):
                return body
            try:
                return answer(handler(body))
            except Exception:  # a machine endpoint answers JSON, never a debug page
                logger.exception("connector action %s failed", handler.__name__)
                return answer({"error": "internal error; see the server log"}, status=500)

        view.__name__ = view.__qualname__ = handler.__name__
        view.__doc__ = handler.__doc__
        return view

    return wrap


def answer(data: Answer, *, status: int = 200) -> HttpResponse:
    if isinstance(data, dict):
        data = encoded(data)
    return HttpResponse(data, status=status, content_type="application/json; charset=utf-8")


def encoded(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _check_api_secret(request: HttpRequest, dingtalk: DingTalkSettings) -> None:
    # META rather than request.headers, which copies every header on first use.
    timestamp = request.META.get("HTTP_X_DDPAAS_SIGNATURE_TIMESTAMP")
    signature = request.META.get("HTTP_X_DDPAAS_SIGNATURE")
    # hmac.compare_digest refuses non-ASCII text with a TypeError; such a header is
    # simply not a signature.
    if not (timestamp or "").isascii() or not (signature or "").isascii():
        raise SignatureError("x-ddpaas headers are not ASCII")
    verify_api_secret(dingtalk.connector_secret, timestamp, signature)


def _check_basic(request: HttpRequest, dingtalk: DingTalkSettings) -> None:
    verify_basic(request.META.get("HTTP_AUTHORIZATION"), *dingtalk.connector_basic)


def _check_nothing(request: HttpRequest, dingtalk: DingTalkSettings) -> None:
    """`DINGTALK_CONNECTOR_AUTH=none`: only ever set explicitly, behind a gateway that
    authenticates for us."""


AUTHENTICATORS: dict[str, Callable[[HttpRequest, DingTalkSettings], None]] = {
    "apisecret": _check_api_secret,
    "basic": _check_basic,
    "none": _check_nothing,
}


def authenticate(request: HttpRequest) -> HttpResponse | None:
    """None when the call authenticates as configured; otherwise the answer to send."""
    dingtalk = settings.CONFIG.dingtalk
    if dingtalk is None:
        return answer({"error": "DingTalk is not configured on this server"}, status=503)
    try:
        AUTHENTICATORS[dingtalk.connector_auth](request, dingtalk)
    except SignatureError as exc:
        _warn_refused(request, exc)
        refused = answer({"error": f"connector authentication failed: {exc}"}, status=401)
        # The warning above (throttled) stands for it: Django's own per-response warning
        # ("Unauthorized: /dingtalk/connector/…") would put every call back in the log.
        refused._has_been_logged = True  # type: ignore[attr-defined]
        if dingtalk.connector_auth == "basic":
            refused["WWW-Authenticate"] = 'Basic realm="releasegate-connector"'
        return refused
    return None


def _warn_refused(request: HttpRequest, exc: SignatureError) -> None:
    client = str(request.META.get("REMOTE_ADDR", "?"))
    count = REFUSALS.admit(client, time.monotonic())
    if count == 1:
        logger.warning("refused a connector call to %s from %s: %s", request.path, client, exc)
    elif count:
        logger.warning(
            "refused a connector call to %s from %s: %s (%d refused from this address "
            "since its last warning, a minute or more ago)",
            request.path,
            client,
            exc,
            count,
        )


def parse_body(request: HttpRequest, model: type[B]) -> B | HttpResponse:
    """The body as `model`, or a 400 naming the field that does not fit. An empty body
    reads as `{}`, so a missing field is named rather than the body."""
    # The guard refused a declared size above the limit; this also bounds a body whose
    # size was not declared.
    limit = settings.CONFIG.public.max_body_bytes
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return answer(
            {"error": f"body too large: at most {limit} bytes", "field": "body"}, status=413
        )
    try:
        body = model.model_validate_json(raw if raw.strip() else b"{}")
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        return _malformed(_field(first["loc"], raw), first["msg"])
    # Text a database cannot keep gets into a parsed body only through a `\u` escape (the
    # parser refuses raw control characters and invalid UTF-8): without one, nothing to
    # look for, and walking the body was a tenth of the submit-time check's cost.
    unfit = unstorable(body.model_dump()) if b"\\u" in raw else None
    return _malformed(*unfit) if unfit else body


def _field(loc: tuple[int | str, ...], raw: bytes) -> str:
    """The body's path to the error: `loc` up to where the input ends, because a union's
    `loc` goes on with the name of the member tried (`parameters.BRANCH.constrained-str`).
    Only called for a refused body, so parsing it again costs nothing that matters."""
    try:
        current: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return "body"
    path: list[str] = []
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str):
            path.append(part)
            if part not in current:
                break
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            path.append(str(part))
            current = current[part]
        else:
            break
    return ".".join(path) or "body"


def _malformed(field: str, message: str) -> HttpResponse:
    return answer({"error": f"malformed body: {field}: {message}", "field": field}, status=400)


# The option actions answer from the snapshot alone, so each answer is encoded once per
# snapshot (and project, or application) and then sent as it is: the form asks for the
# same lists again and again, and building and encoding them was most of their cost.


@action(ProjectsQuery)
def projects(body: ProjectsQuery) -> Answer:
    """新建表单加载时: every project offered, for the 项目名称 select."""
    catalog = snapshot.current()
    return catalog.remember("connector:projects", lambda: encoded(projects_answer(catalog)))


@action(ApplicationsQuery)
def applications(body: ApplicationsQuery) -> Answer:
    """控件值发生变化时 (项目名称): the applications of the chosen project."""
    asked = body.project or ""
    catalog = snapshot.current()
    project = find_project(catalog, asked) if asked.strip() else None
    if project is None:
        return applications_answer(None, asked)
    return catalog.remember(
        ("connector:applications", project.key),
        lambda: encoded(applications_answer(project, asked)),
    )


@action(ParametersQuery)
def parameters(body: ParametersQuery) -> Answer:
    """控件值发生变化时 (应用名称): the chosen application's parameters and choices."""
    asked, project = body.application or "", body.project or ""
    catalog = snapshot.current()
    found = find_application(catalog, asked, project) if asked.strip() else None
    mapping = settings.CONFIG.options.form
    if found is None:
        return parameters_answer(None, asked, mapping)
    # The answer also depends on the form mapping: kept with it, and built again if the
    # configuration in force is another one (tests change it; a server never does).
    key = ("connector:parameters", found.full_name)
    kept = catalog.memo.get(key)
    if kept is None or kept[0] is not mapping:
        kept = catalog.memo[key] = (mapping, encoded(parameters_answer(found, asked, mapping)))
    answer_bytes: bytes = kept[1]
    return answer_bytes


@action(FormSubmission)
def validate(body: FormSubmission) -> dict[str, Any]:
    """表单提交时验证: `valid` maps onto 校验结果, `message` onto 校验错误信息."""
    options = settings.CONFIG.options
    problems = form_problems(
        body.requested(options.form),
        snapshot.current(),
        options.form,
        options.releases,
        timezone.now(),
    )
    return {"valid": not problems, "message": "；".join(problems), "problems": problems}


@action(ApprovedInstance)
def approved(body: ApprovedInstance) -> dict[str, Any]:
    """The connector node after the last approver. Stored and acknowledged at once;
    ingest asks DingTalk's API whether the instance really is approved. Repeats (the
    asynchronous node retries three times, reference §1.1) are harmless: one release
    per approval instance is a database constraint."""
    logger.info(
        "connector node: approval %s (form as posted, not trusted: %s)",
        body.instance_id,
        body.form,
    )
    with transaction.atomic():
        record_delivery(
            via="connector",
            event_type="connector_node",
            provider=PROVIDER,
            instance_id=body.instance_id,
            payload=body.model_dump(mode="json"),
        )
    return {"accepted": True, "instance_id": body.instance_id}
