from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "releasegate.api"
    verbose_name = "ReleaseGate API"
