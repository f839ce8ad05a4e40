from __future__ import annotations

from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: F401
