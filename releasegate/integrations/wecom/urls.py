"""WeCom's ways in, under `/wecom/`: the callback URL and the picker pages its form opens.
No trailing slashes: WeCom calls exactly the URL configured."""

from __future__ import annotations

from django.urls import path

from releasegate.integrations.wecom import events, picker

app_name = "wecom"

urlpatterns = [
    path("events", events.receive_event, name="events"),
    path("picker/projects", picker.projects, name="picker-projects"),
    path("picker/applications", picker.applications, name="picker-applications"),
    path("picker/choices/<str:parameter>", picker.choices, name="picker-choices"),
]
