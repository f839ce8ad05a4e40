from __future__ import annotations

from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "releasegate.platforms"
    label = "platforms"
    verbose_name = "Approval platforms"

    def ready(self) -> None:
        # Imported here: the platforms' modules use the domain's models, which exist
        # only once every app is loaded.
        from releasegate.platforms.installed import PLATFORMS
        from releasegate.releases.approvals import registry

        registry.use(PLATFORMS)
