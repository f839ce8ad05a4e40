"""DingTalk's ways in, under `/dingtalk/`: the event push and the connector actions the
approval form calls.

No trailing slashes: the connector platform posts to exactly the URL configured, and a
redirect would lose the body.
"""

from __future__ import annotations

from django.urls import path

from releasegate.integrations.dingtalk import card_callback, connector, events

app_name = "dingtalk"

urlpatterns = [
    path("events", events.receive_event, name="events"),
    path("card", card_callback.card_callback, name="card"),
    path("connector/projects", connector.projects, name="connector-projects"),
    path("connector/applications", connector.applications, name="connector-applications"),
    path("connector/parameters", connector.parameters, name="connector-parameters"),
    path("connector/validate", connector.validate, name="connector-validate"),
    path("connector/approved", connector.approved, name="connector-approved"),
]
