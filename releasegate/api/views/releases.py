"""Releases: the list with its filters, one release with its whole history, cancel and
retry."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.api.serializers import (
    CancelRefusedSerializer,
    CancelSerializer,
    ReleaseDetailSerializer,
    ReleaseFilters,
    ReleaseSerializer,
    RetryRefusedSerializer,
    RetrySerializer,
)
from releasegate.connections import NotConfigured, jenkins_client
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.lib.http import OutboundError
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.operators import CannotCancel, CannotRetry, cancel_release, retry_release


class ReleasePages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema(parameters=[ReleaseFilters])
class ReleaseList(generics.ListAPIView):  # type: ignore[type-arg]
    """Releases, newest first."""

    serializer_class = ReleaseSerializer
    pagination_class = ReleasePages

    def get_queryset(self) -> QuerySet[Release]:
        filters = ReleaseFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted: dict[str, Any] = filters.validated_data
        lookups = {
            "state": "state",
            "application": "application_name",
            "project": "project_key",
            "originator": "originator_user_id",
            "since": "received_at__gte",
        }
        chosen = {lookups[name]: value for name, value in wanted.items()}
        return Release.objects.select_related("approval").filter(**chosen).order_by("-id")


class ReleaseDetail(generics.RetrieveAPIView):  # type: ignore[type-arg]
    """One release with its audit trail (events) and every notification about it."""

    serializer_class = ReleaseDetailSerializer
    queryset = Release.objects.select_related("approval").prefetch_related(
        "events", "notifications", "rollbacks", "rollback_requests"
    )


class CancelRelease(APIView):
    """Cancel a release that has not started running: scheduled, or still queued in
    Jenkins. Needs the `releases.change_release` permission or staff status."""

    @extend_schema(
        request=CancelSerializer,
        responses={
            200: ReleaseDetailSerializer,
            403: OpenApiResponse(description="not allowed to cancel releases"),
            404: OpenApiResponse(description="no such release"),
            409: CancelRefusedSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        if not may_change_releases(request):
            raise PermissionDenied("cancelling needs the releases.change_release permission")
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        release = get_object_or_404(Release, pk=pk)
        actor = f"api:{user.get_username()}"
        try:
            cancelled = _cancel(release, actor, body.validated_data.get("reason", ""))
        except CannotCancel as refused:
            current = Release.objects.get(pk=pk)
            answer = {"detail": str(refused), "state": current.state}
            return Response(answer, status=status.HTTP_409_CONFLICT)
        except OutboundError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)
        return Response(ReleaseDetailSerializer(cancelled).data)


def may_change_releases(request: Request) -> bool:
    """Staff, or users with the permission to change releases: those who may cancel or
    retry one."""
    user = request.user
    return bool(user.is_staff or user.has_perm("releases.change_release"))


def _cancel(release: Release, actor: str, reason: str) -> Release:
    """Jenkins is only asked when the release waits in its queue."""
    if release.state != ReleaseState.QUEUED:
        return cancel_release(release.pk, actor=actor, reason=reason)
    try:
        client: JenkinsClient = jenkins_client(settings.CONFIG)
    except NotConfigured as exc:
        raise CannotCancel(str(exc)) from None
    with client as jenkins:
        return cancel_release(release.pk, actor=actor, reason=reason, jenkins=jenkins)


class RetryRelease(APIView):
    """Retry a release that ended in ERROR, once its cause is fixed: its approval is read
    again from its platform and must still hold, its frozen parameters unchanged; it
    goes back to watching its build, or to triggering after looking for what an earlier
    attempt created (never a second build). Needs the `releases.change_release`
    permission or staff status."""

    @extend_schema(
        request=RetrySerializer,
        responses={
            200: ReleaseDetailSerializer,
            403: OpenApiResponse(description="not allowed to retry releases"),
            404: OpenApiResponse(description="no such release"),
            409: RetryRefusedSerializer,
            502: OpenApiResponse(description="the approval platform could not be asked"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        if not may_change_releases(request):
            raise PermissionDenied("retrying needs the releases.change_release permission")
        body = RetrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        release = get_object_or_404(Release, pk=pk)
        actor = f"api:{request.user.get_username()}"
        try:
            retried = retry_release(
                release.pk, actor=actor, reason=body.validated_data.get("reason", "")
            )
        except CannotRetry as refused:
            current = Release.objects.get(pk=pk)
            answer = {"detail": str(refused), "state": current.state}
            return Response(answer, status=status.HTTP_409_CONFLICT)
        except OutboundError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)
        return Response(ReleaseDetailSerializer(retried).data)
