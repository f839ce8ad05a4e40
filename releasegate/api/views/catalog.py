"""`GET /api/catalog`: what can be released (projects → applications → parameters), as
the last successful sync from Jenkins described it, and how the last sync went."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.catalog import snapshot
from releasegate.catalog.models import CatalogSync
from releasegate.catalog.snapshot import CatalogApplication, CatalogParameter


class ParameterShown(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    default = serializers.JSONField(help_text="null for a password parameter (never exported)")
    choices = serializers.ListField(child=serializers.CharField())


class ApplicationShown(serializers.Serializer):  # type: ignore[type-arg]
    full_name = serializers.CharField()
    display_name = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField()
    parameters = ParameterShown(many=True)


class ProjectShown(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    display_name = serializers.CharField()
    description = serializers.CharField()
    applications = ApplicationShown(many=True)


class SyncShown(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = CatalogSync
        fields = ["started_at", "finished_at", "succeeded", "error", "jobs_seen"]
        fields += ["added", "removed", "changed"]


class CatalogShown(serializers.Serializer):  # type: ignore[type-arg]
    synced_at = serializers.DateTimeField(
        allow_null=True, help_text="when the sync this catalog comes from finished"
    )
    last_sync = SyncShown(allow_null=True, help_text="the latest sync, failed or not")
    projects = ProjectShown(many=True)


class Catalog(APIView):
    @extend_schema(responses=CatalogShown)
    def get(self, request: Request) -> Response:
        """The applications users may release, by project, with their parameters."""
        current = snapshot.current()
        last = CatalogSync.objects.order_by("-started_at", "-id").first()
        return Response(
            {
                "synced_at": current.synced_at,
                "last_sync": SyncShown(last).data if last else None,
                "projects": [
                    {
                        "key": project.key,
                        "display_name": project.display_name,
                        "description": project.description,
                        "applications": [_application(app) for app in project.applications],
                    }
                    for project in current.projects
                ],
            }
        )


def _application(app: CatalogApplication) -> dict[str, Any]:
    return {
        "full_name": app.full_name,
        "display_name": app.display_name,
        "description": app.description,
        "url": app.url,
        "parameters": [_parameter(p) for p in app.parameters],
    }


def _parameter(parameter: CatalogParameter) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "kind": parameter.kind,
        "description": parameter.description,
        "default": None if parameter.default_hidden else parameter.default,
        "choices": list(parameter.choices),
    }
