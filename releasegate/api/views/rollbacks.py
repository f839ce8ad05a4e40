"""`POST /api/rollbacks`: ask, as yourself, to roll an application back to its last good
release: a new request with that release's approved parameters, marked as a rollback and
linked to the release it rolls back from. It is approved like any other request."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.api.fields import StrictCharField, StrictSerializer
from releasegate.api.views.requests import RequestRefusedAnswer, RequestStarted, form_time, start
from releasegate.releases.rollbacks import RollbackRefused, plan_rollback

# SQLite's and PostgreSQL's largest key: a larger one would overflow in the query.
_LARGEST_ID = 2**63 - 1


class RollbackSerializer(StrictSerializer):
    application = StrictCharField(
        required=False,
        max_length=1000,
        help_text="the job's full name, e.g. mall/order-service; rolls back its latest release",
    )
    release = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=_LARGEST_ID,
        help_text="the release to roll back from (default: the application's latest)",
    )
    reason = StrictCharField(
        required=False, allow_blank=True, max_length=500, help_text="why, for the approvers"
    )
    release_time = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="when to release, e.g. 2026-11-27 10:00 or ISO 8601; empty: once approved",
    )

    def validate_release_time(self, value: str) -> str:
        return form_time(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("application") and attrs.get("release") is None:
            raise serializers.ValidationError(
                {"application": [_("Give the application, or the release to roll back from.")]}
            )
        return attrs


class RollbackStarted(RequestStarted):
    rollback_of = serializers.IntegerField(help_text="the release rolled back from")
    rollback_to = serializers.IntegerField(help_text="the good release whose parameters run")


class RollBack(APIView):
    @extend_schema(
        request=RollbackSerializer,
        responses={
            201: RollbackStarted,
            400: RequestRefusedAnswer,
            502: OpenApiResponse(
                description="the approval platform refused or could not be reached"
            ),
            503: OpenApiResponse(description="no approval platform is configured"),
        },
    )
    def post(self, request: Request) -> Response:
        """Start the approval of a rollback to the application's last good release (its
        SUCCEEDED release that finished last, other than the one rolled back from), with
        you as its originator. 400 with `problems` when there is nothing to roll back to."""
        body = RollbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            plan = plan_rollback(
                requested_by=request.user.get_username(),
                application=data.get("application", ""),
                release_id=data.get("release"),
                reason=data.get("reason", ""),
            )
        except RollbackRefused as refused:
            return Response(
                {"problems": [refused.refusal.shown()]}, status=status.HTTP_400_BAD_REQUEST
            )
        asked = dataclasses.replace(plan.request, release_time=data.get("release_time", ""))
        answer = start(asked, request, dataclasses.replace(plan, request=asked))
        if answer.status_code == status.HTTP_201_CREATED:
            answer.data.update(rollback_of=plan.rollback_of.pk, rollback_to=plan.rollback_to.pk)
        return answer
