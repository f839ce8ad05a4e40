"""Feishu's ways in, under `/feishu/`: the event subscription and the form's external
options. No trailing slashes: Feishu posts to exactly the URL configured."""

from __future__ import annotations

from django.urls import path

from releasegate.integrations.feishu import events, options

app_name = "feishu"

urlpatterns = [
    path("events", events.receive_event, name="events"),
    path("options/projects", options.projects, name="options-projects"),
    path("options/applications", options.applications, name="options-applications"),
    path("options/choices/<str:parameter>", options.choices, name="options-choices"),
]
