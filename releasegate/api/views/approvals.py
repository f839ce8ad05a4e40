"""ReleaseGate's own approvals over the API: what waits for my decision, one approval,
and deciding it (`approve`, or `refuse` with a reason) as the authenticated approver.
The same decision as the dashboard's buttons and `releasegate approve` / `refuse`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.api.fields import StrictCharField, StrictSerializer
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.errors import ActionRefused, ApprovalNotFound
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.approvals.registry import NotEnabled
from releasegate.releases.local.approvals import awaiting
from releasegate.releases.local.decisions import PROVIDER, REASON_LENGTH, NotYours
from releasegate.releases.models import Approval, LocalApproval, LocalDecision
from releasegate.web.models import platform_user_id


class DecisionShown(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = LocalDecision
        fields = ["approver", "decision", "remark", "decided_at"]


class FormValue(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    value = serializers.CharField()


class ApprovalShown(serializers.ModelSerializer):  # type: ignore[type-arg]
    decisions = DecisionShown(many=True, read_only=True)
    form = serializers.SerializerMethodField(help_text="the request as the release form says it")
    release_id = serializers.SerializerMethodField(help_text="the release it became, if any")

    class Meta:
        model = LocalApproval
        fields = [
            "id",
            "status",
            "originator",
            "project_key",
            "application_name",
            "approvers",
            "required",
            "form",
            "decisions",
            "created_at",
            "expires_at",
            "finished_at",
            "release_id",
        ]

    @extend_schema_field(FormValue(many=True))
    def get_form(self, approval: LocalApproval) -> list[dict[str, str]]:
        return [{"name": str(name), "value": str(value)} for name, value in approval.form]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_release_id(self, approval: LocalApproval) -> int | None:
        found = Approval.objects.filter(provider=PROVIDER, instance_id=str(approval.pk))
        return found.values_list("release__id", flat=True).first()


class ApproveBody(StrictSerializer):
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_LENGTH,
        help_text="optional: shown with your decision",
    )


class RefuseBody(StrictSerializer):
    reason = StrictCharField(
        max_length=REASON_LENGTH, help_text="why: the person who asked is told"
    )


class DecisionRefused(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    status = serializers.CharField(help_text="where the approval stands")


_WITH_DECISIONS = LocalApproval.objects.prefetch_related(
    Prefetch("decisions", queryset=LocalDecision.objects.order_by("decided_at", "pk"))
)


class ApprovalList(APIView):
    @extend_schema(responses=ApprovalShown(many=True))
    def get(self, request: Request) -> Response:
        """ReleaseGate's own approvals waiting for your decision, oldest first."""
        mine = awaiting(platform_user_id(request.user, PROVIDER))
        shown = _WITH_DECISIONS.filter(pk__in=[approval.pk for approval in mine])
        return Response(ApprovalShown(shown.order_by("created_at", "pk"), many=True).data)


class ApprovalDetail(APIView):
    @extend_schema(responses={200: ApprovalShown, 404: OpenApiResponse(description="none")})
    def get(self, request: Request, pk: int) -> Response:
        """One of ReleaseGate's own approvals, with every decision taken."""
        return Response(ApprovalShown(_approval(pk)).data)


_DECIDED = {
    200: ApprovalShown,
    400: OpenApiResponse(description="a field of the body could not be read (named)"),
    403: OpenApiResponse(description="you are not among its approvers, or you asked for it"),
    404: OpenApiResponse(description="no such approval"),
    409: DecisionRefused,
}


class Approve(APIView):
    @extend_schema(request=ApproveBody, responses=_DECIDED)
    def post(self, request: Request, pk: int) -> Response:
        """Approve as the authenticated approver: once `required` approvers have, the
        request becomes a release."""
        body = ApproveBody(data=request.data)
        body.is_valid(raise_exception=True)
        return _decide(request, pk, Decision.APPROVE, body.validated_data.get("reason", ""))


class Refuse(APIView):
    @extend_schema(request=RefuseBody, responses=_DECIDED)
    def post(self, request: Request, pk: int) -> Response:
        """Refuse as the authenticated approver, saying why: one refusal refuses the
        request, and the person who asked is told."""
        body = RefuseBody(data=request.data)
        body.is_valid(raise_exception=True)
        return _decide(request, pk, Decision.REFUSE, body.validated_data["reason"])


def _approval(pk: int) -> LocalApproval:
    found = _WITH_DECISIONS.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such approval."))
    return found


def _decide(request: Request, pk: int, decision: Decision, reason: str) -> Response:
    _approval(pk)
    try:
        source = registry.get(PROVIDER).source
    except NotEnabled as exc:
        return _conflict(str(exc), pk)
    login = platform_user_id(request.user, PROVIDER)
    try:
        source.act(str(pk), login, login, decision, reason.strip())
    except ApprovalNotFound:
        raise NotFound(_("There is no such approval.")) from None
    except NotYours as refusal:
        raise PermissionDenied(refusal.message) from None
    except ActionRefused as refusal:
        return _conflict(refusal.message, pk)
    return Response(ApprovalShown(_approval(pk)).data)


def _conflict(detail: str, pk: int) -> Response:
    current: Any = LocalApproval.objects.filter(pk=pk).values_list("status", flat=True).first()
    return Response({"detail": detail, "status": current}, status=status.HTTP_409_CONFLICT)
