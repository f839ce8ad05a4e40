from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from releasegate.platforms.installed import URLS
from releasegate.web import configuration_page

urlpatterns = [
    path("admin/configuration/", configuration_page.page, name="admin-configuration"),
    path("admin/", admin.site.urls),
    # Each approval platform's ways in, under /<platform>/.
    *(path(f"{name}/", include(module)) for name, module in URLS.items()),
    path("api/", include("releasegate.api.urls")),
    path("", include("releasegate.web.urls")),
]
