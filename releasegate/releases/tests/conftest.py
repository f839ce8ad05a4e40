from __future__ import annotations

from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: F401
from releasegate.releases.tests.local_approvals import clock, local, local_options  # noqa: F401
