from __future__ import annotations

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "releasegate.catalog"
    verbose_name = "Catalog"
    default_auto_field = "django.db.models.BigAutoField"
