"""Settings for the test suite: the real settings with a throwaway secret and data dir.

DATABASE_URL, when set (CI sets it to PostgreSQL), is used as given.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("RELEASEGATE_DATA_DIR", tempfile.mkdtemp(prefix="releasegate-test-"))
os.environ.setdefault("JENKINS_URL", "http://127.0.0.1:9/")
os.environ.setdefault("JENKINS_USER", "releasegate")
os.environ.setdefault("JENKINS_TOKEN", "test-token")

from releasegate.settings import *  # noqa: F403
