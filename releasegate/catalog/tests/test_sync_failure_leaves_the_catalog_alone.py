from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application, CatalogSync
from releasegate.catalog.sync import run_sync
from releasegate.catalog.tests.conftest import Jenkins
from releasegate.config import CatalogOptions
from releasegate.lib.http import OutboundError

pytestmark = pytest.mark.django_db


def test_a_failed_sync_is_recorded_and_changes_nothing(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(jobs=[{"path": "mall/shop"}])
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.set_faults(error_rate=1.0)

    with pytest.raises(OutboundError) as raised:
        run_sync(jenkins.client, CatalogOptions())

    assert not raised.value.permanent
    failed = CatalogSync.objects.latest()
    assert not failed.succeeded
    assert "503" in failed.error
    assert failed.finished_at is not None
    assert Application.objects.get().present
    assert list(snapshot.current().applications_by_name) == ["mall/shop"]
