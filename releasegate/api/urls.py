from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from releasegate.api.views import catalog, releases, requests

urlpatterns = [
    path("releases", releases.ReleaseList.as_view(), name="api-releases"),
    path("releases/<int:pk>", releases.ReleaseDetail.as_view(), name="api-release"),
    path("releases/<int:pk>/cancel", releases.CancelRelease.as_view(), name="api-release-cancel"),
    path("requests", requests.RequestRelease.as_view(), name="api-requests"),
    path("catalog", catalog.Catalog.as_view(), name="api-catalog"),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
