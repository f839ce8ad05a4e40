"""WeCom's way in, under `/wecom/`: the callback URL. No trailing slash: WeCom calls
exactly the URL configured."""

from __future__ import annotations

from django.urls import path

from releasegate.integrations.wecom import events

app_name = "wecom"

urlpatterns = [
    path("events", events.receive_event, name="events"),
]
