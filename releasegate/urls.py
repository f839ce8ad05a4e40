from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from releasegate.integrations.dingtalk import events
from releasegate.web import configuration_page

urlpatterns = [
    path("admin/configuration/", configuration_page.page, name="admin-configuration"),
    path("admin/", admin.site.urls),
    path("dingtalk/events", events.receive_event, name="dingtalk-events"),
    path("dingtalk/", include("releasegate.integrations.dingtalk.urls")),
    path("api/", include("releasegate.api.urls")),
    path("", include("releasegate.web.urls")),
]
