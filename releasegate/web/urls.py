"""The dashboard's pages, mounted at the site's root."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from releasegate.web.views import (
    approvals,
    calendar,
    catalog,
    glance,
    insights,
    release_detail,
    releases,
    requests,
    rollbacks,
)

app_name = "web"

urlpatterns = [
    path("", glance.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("releases/", releases.release_list, name="releases"),
    path("releases/rows/", releases.release_rows, name="release-rows"),
    path("releases/<int:release_id>/", release_detail.show, name="release"),
    path("releases/<int:release_id>/cancel/", release_detail.cancel, name="release-cancel"),
    path("releases/<int:release_id>/rollback/", rollbacks.roll_back, name="release-rollback"),
    path("calendar/", calendar.show, name="calendar"),
    path("releases/<int:release_id>/retry/", release_detail.retry, name="release-retry"),
    path("catalog/", catalog.show, name="catalog"),
    path("requests/new", requests.new, name="new-request"),
    path("requests/new/applications", requests.applications, name="request-applications"),
    path("requests/new/parameters", requests.parameters, name="request-parameters"),
    # Not an approval instance called "new".
    path("requests/new/", RedirectView.as_view(pattern_name="web:new-request")),
    path("requests/<str:instance_id>/", requests.sent, name="request-sent"),
    path("requests/<str:instance_id>/decide", approvals.decide, name="request-decide"),
    path("approvals/", approvals.mine, name="approvals"),
    path("insights/", insights.page, name="insights"),
    path("insights/weeks.csv", insights.weeks_csv, name="insights-csv"),
]
