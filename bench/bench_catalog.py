"""The set-up the in-process benchmarks share: Django configured for a scratch data
directory and a simulated Jenkins, migrated, and the catalog synced from it."""

from __future__ import annotations

import os
from pathlib import Path

USER, TOKEN = "bench", "bench-token"


def migrate_and_sync(jenkins_url: str, work: Path, **settings: str) -> int:
    """Configure Django (plus any extra `settings`), migrate, sync the catalog; the number
    of jobs Jenkins listed."""
    os.environ.update(
        RELEASEGATE_DATA_DIR=str(work),
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789",
        JENKINS_URL=jenkins_url,
        JENKINS_USER=USER,
        JENKINS_TOKEN=TOKEN,
        DJANGO_SETTINGS_MODULE="releasegate.settings",
        LOG_LEVEL="WARNING",
        **settings,
    )
    import django

    django.setup()
    from django.conf import settings as django_settings
    from django.core.management import call_command

    from releasegate.catalog.sync import run_sync
    from releasegate.connections import jenkins_client

    call_command("migrate", verbosity=0)
    with jenkins_client(django_settings.CONFIG) as client:
        record = run_sync(client, django_settings.CONFIG.options.catalog)
    return record.jobs_seen
