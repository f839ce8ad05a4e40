from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from releasegate.api.views import (
    approvals,
    calendar,
    catalog,
    insights,
    releases,
    requests,
    rollbacks,
    tokens,
)

urlpatterns = [
    path("releases", releases.ReleaseList.as_view(), name="api-releases"),
    path("releases/<int:pk>", releases.ReleaseDetail.as_view(), name="api-release"),
    path("releases/<int:pk>/cancel", releases.CancelRelease.as_view(), name="api-release-cancel"),
    path("releases/<int:pk>/retry", releases.RetryRelease.as_view(), name="api-release-retry"),
    path("requests", requests.RequestRelease.as_view(), name="api-requests"),
    path("rollbacks", rollbacks.RollBack.as_view(), name="api-rollbacks"),
    path("catalog", catalog.Catalog.as_view(), name="api-catalog"),
    path("calendar", calendar.Calendar.as_view(), name="api-calendar"),
    path("approvals", approvals.ApprovalList.as_view(), name="api-approvals"),
    path("approvals/<int:pk>", approvals.ApprovalDetail.as_view(), name="api-approval"),
    path("approvals/<int:pk>/approve", approvals.Approve.as_view(), name="api-approval-approve"),
    path("approvals/<int:pk>/refuse", approvals.Refuse.as_view(), name="api-approval-refuse"),
    path("insights", insights.Insights.as_view(), name="api-insights"),
    path("token", tokens.OwnToken.as_view(), name="api-token"),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
