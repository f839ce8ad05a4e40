"""`GET /api/insights`: the four DORA keys and the approval lead time of a project or an
application over a range of days, in total and week by week (the dashboard's insights
page, as data). Durations are in seconds; null where nothing was measured."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.api.fields import StrictCharField, StrictSerializer
from releasegate.releases.insights.dora import Figures, insights
from releasegate.releases.insights.ranges import default_since, last_day, scope_of, too_long


class InsightsQuery(StrictSerializer):
    project = StrictCharField(
        required=False, max_length=255, help_text="the project's key (top-level folder)"
    )
    application = StrictCharField(
        required=False, max_length=1000, help_text="the job's full name, e.g. mall/order-service"
    )
    since = serializers.DateField(
        required=False, help_text="first day (YYYY-MM-DD); 12 weeks before `until` by default"
    )
    until = serializers.DateField(
        required=False, help_text="last day, included (YYYY-MM-DD); today by default"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        until: date = attrs.get("until") or timezone.localdate()
        since: date = attrs.get("since") or default_since(until)
        if since > until:
            raise serializers.ValidationError({"since": [_("is later than the end date.")]})
        if too_long(since, until):
            raise serializers.ValidationError({"since": [_("the range is longer than two years.")]})
        return {**attrs, "since": since, "until": until}


class FiguresShown(serializers.Serializer):  # type: ignore[type-arg]
    releases_ended = serializers.IntegerField(
        source="ended", help_text="releases that ended with a build outcome"
    )
    deployments = serializers.IntegerField(help_text="of them, SUCCEEDED")
    change_failures = serializers.IntegerField(
        source="failures", help_text="FAILED, UNSTABLE, ABORTED or rolled back"
    )
    change_failure_rate = serializers.FloatField(allow_null=True)
    failures_not_restored = serializers.IntegerField(source="not_restored")
    time_to_restore_s = serializers.FloatField(source="time_to_restore", allow_null=True)
    lead_time_for_changes_s = serializers.FloatField(
        source="lead_time_for_changes",
        allow_null=True,
        help_text="null when no commit time of the builds' change sets is known",
    )
    commit_times_known = serializers.IntegerField()
    asked_to_approved_s = serializers.FloatField(source="asked_to_approved", allow_null=True)
    approved_to_triggered_s = serializers.FloatField(
        source="approved_to_triggered", allow_null=True
    )


class WeekShown(FiguresShown):
    week_start = serializers.DateField(help_text="the week's Monday")


class InsightsShown(serializers.Serializer):  # type: ignore[type-arg]
    project = serializers.CharField()
    application = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField()
    deployments_per_week = serializers.FloatField()
    medians_sampled_one_in = serializers.IntegerField(
        help_text="1: medians over every release; n: over every n-th (counts stay exact)"
    )
    total = FiguresShown()
    weeks = WeekShown(many=True)


class Insights(APIView):
    @extend_schema(parameters=[InsightsQuery], responses=InsightsShown)
    def get(self, request: Request) -> Response:
        """Release insights (median durations in seconds), in total and week by week."""
        query = InsightsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        scope = scope_of(
            wanted["since"],
            wanted["until"],
            wanted.get("project", ""),
            wanted.get("application", ""),
        )
        result = insights(scope)
        shown = {
            "project": scope.project,
            "application": scope.application,
            "since": wanted["since"],
            "until": last_day(scope.until),
            "deployments_per_week": result.deployments_per_week,
            "medians_sampled_one_in": result.sampled_one_in,
            "total": _figures(result.total),
            "weeks": [{"week_start": w.start, **_figures(w.figures)} for w in result.weeks],
        }
        return Response(InsightsShown(shown).data)


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "ended": figures.ended,
        "deployments": figures.deployments,
        "failures": figures.failures,
        "change_failure_rate": figures.change_failure_rate,
        "not_restored": figures.not_restored,
        "time_to_restore": figures.time_to_restore,
        "lead_time_for_changes": figures.lead_time_for_changes,
        "commit_times_known": figures.commit_times_known,
        "asked_to_approved": figures.asked_to_approved,
        "approved_to_triggered": figures.approved_to_triggered,
    }
