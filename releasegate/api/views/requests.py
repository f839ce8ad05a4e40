"""`POST /api/requests`: ask for a release as the authenticated person, without the
platform's own form (for companies whose form cannot call a connector, and for
ReleaseGate's own approvals). The request is checked as the form's submit check would
check it, then started in the approval platform that takes requests, on their behalf."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.api.fields import StrictCharField, StrictSerializer
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.errors import StartRefused
from releasegate.releases.approvals.registry import NotEnabled
from releasegate.releases.form import UnreadableTime, parse_release_time
from releasegate.releases.refusals import PARAMETER, Refusal
from releasegate.releases.requests import ReleaseRequest, RequestRefused, submit
from releasegate.releases.rollbacks import RollbackPlan
from releasegate.web.models import platform_user_id

# How the form writes a time; the approvers read it there.
_FORM_TIME = "%Y-%m-%d %H:%M"


def form_time(value: str) -> str:
    """`value` written as the form writes times, in the release time zone."""
    options = settings.CONFIG.options.releases
    try:
        when = parse_release_time(value, options)
        # Near the ends of the calendar a time cannot be compared with now (in UTC).
        written = when.astimezone(UTC).astimezone(options.zone) if when else None
    except UnreadableTime as exc:
        raise serializers.ValidationError(exc.refusal.shown()) from None
    except OverflowError:
        raise serializers.ValidationError(_("The time is out of range.")) from None
    return written.strftime(_FORM_TIME) if written else ""


class RequestSerializer(StrictSerializer):
    """The fields of `releasegate.releases.requests.ReleaseRequest`."""

    project = StrictCharField(max_length=255, help_text="the project's key, e.g. mall")
    application = StrictCharField(
        max_length=1000, help_text="the job's full name, e.g. mall/order-service"
    )
    parameters = serializers.DictField(
        child=StrictCharField(allow_blank=True, max_length=2000),
        required=False,
        help_text="Jenkins parameter name → value, for the parameters the form has fields for",
    )
    release_type = StrictCharField(required=False, allow_blank=True, max_length=100)
    release_time = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="when to release, e.g. 2026-11-27 10:00 or ISO 8601; empty: once approved",
    )
    db_change = StrictCharField(
        required=False, max_length=20, help_text="is there a database change: 是 or 否"
    )
    db_change_done = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="when there is one: is it done (是 or 否)",
    )

    def validate_release_time(self, value: str) -> str:
        return form_time(value)

    def release_request(self) -> ReleaseRequest:
        data: dict[str, Any] = dict(self.validated_data)
        data["parameters"] = dict(data.get("parameters") or {})
        return ReleaseRequest(**data)


class RequestStarted(serializers.Serializer):  # type: ignore[type-arg]
    approval_instance_id = serializers.CharField()
    approval_provider = serializers.CharField(help_text="the approval platform, e.g. dingtalk")


class RequestRefusedAnswer(serializers.Serializer):  # type: ignore[type-arg]
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="why, in the language asked for"
    )
    about = serializers.ListField(
        child=serializers.CharField(),
        help_text="the field each problem is about, in order: project, application, "
        "release_time, db_change, parameters.<NAME>, or general",
    )


def _field(problem: Refusal) -> str:
    """Where the request's body says what `problem` is about."""
    if problem.field == PARAMETER:
        return f"parameters.{problem.parameter}"
    return problem.field


class RequestRelease(APIView):
    @extend_schema(
        request=RequestSerializer,
        responses={
            201: RequestStarted,
            400: RequestRefusedAnswer,
            502: OpenApiResponse(
                description="the approval platform refused or could not be reached"
            ),
            503: OpenApiResponse(description="no approval platform is configured"),
        },
    )
    def post(self, request: Request) -> Response:
        """Start the release approval with you as its originator, in the approval platform
        that takes requests (`approval_provider` in the answer says which)."""
        body = RequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return start(body.release_request(), request)


def start(
    asked: ReleaseRequest, request: Request, rollback: RollbackPlan | None = None
) -> Response:
    """Submit `asked` as the caller (a `rollback` when given): 201 with the approval
    started, else the refusal or the platform's failure as its status."""
    try:
        platform = registry.for_requests()
        instance_id = submit(
            asked,
            originator_user_id=platform_user_id(request.user, platform.name),
            source=platform.source,
            rollback=rollback,
        )
    except RequestRefused as refused:
        return Response(
            {
                "problems": [problem.shown() for problem in refused.problems],
                "about": [_field(problem) for problem in refused.problems],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    except StartRefused as refused:
        # The platform refused the request as asked (ReleaseGate's own approvals: no
        # approver group covers it); nothing was started.
        said = refused.refusal.shown() if refused.refusal else refused.message
        return Response({"problems": [said]}, status=status.HTTP_400_BAD_REQUEST)
    except ValueError as exc:
        # The client's own check of what DingTalk would refuse; nothing was sent.
        return Response({"problems": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    except NotEnabled as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    except OutboundError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)
    return Response(
        {"approval_instance_id": instance_id, "approval_provider": platform.name},
        status=status.HTTP_201_CREATED,
    )
