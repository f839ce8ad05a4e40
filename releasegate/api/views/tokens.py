"""The caller's own API token: revoke it (a new one is made by an operator, `releasegate
token USERNAME`, and shown once)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.api.tokens import revoke


class OwnToken(APIView):
    """Your API token."""

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="revoked: the key no longer works"),
            404: OpenApiResponse(description="you have no API token"),
        },
    )
    def delete(self, request: Request) -> Response:
        """Revoke your API token, whether this request used it or your session."""
        if revoke(request.user):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response({"error": "you have no API token"}, status=status.HTTP_404_NOT_FOUND)
