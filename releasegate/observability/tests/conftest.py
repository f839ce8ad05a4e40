from __future__ import annotations

from releasegate.observability.tests.services import use_services  # noqa: F401
from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: F401
