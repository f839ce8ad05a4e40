from __future__ import annotations

import pytest

from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient


@pytest.fixture
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    """The catalog synced from the demo Jenkins (in this test's database)."""
    run_sync(jenkins_client, CatalogOptions())


from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: E402, F401
