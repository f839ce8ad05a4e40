"""Settings for the test suite: the real settings with a throwaway secret and data dir.

DATABASE_URL, when set (CI sets it to PostgreSQL), is used as given.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("RELEASEGATE_DATA_DIR", tempfile.mkdtemp(prefix="releasegate-test-"))
os.environ.setdefault("JENKINS_URL", "http://127.0.0.1:9/")
os.environ.setdefault("JENKINS_USER", "releasegate")
os.environ.setdefault("JENKINS_TOKEN", "test-token")
# Every test client calls from 127.0.0.1; the rate limit has its own tests.
os.environ.setdefault("RELEASEGATE_RATE_LIMIT", "0")
for name, value in {
    "DINGTALK_APP_KEY": "dingtestappkey",
    "DINGTALK_APP_SECRET": "test-app-secret",
    "DINGTALK_AGENT_ID": "1000",
    "DINGTALK_PROCESS_CODE": "PROC-RELEASEGATE-DEMO",  # the DingTalk simulator's form
    "DINGTALK_EVENT_TOKEN": "testtoken",
    "DINGTALK_EVENT_AES_KEY": "a" * 43,
    "DINGTALK_CONNECTOR_SECRET": "test-connector-secret",
    "DINGTALK_API_BASE": "http://127.0.0.1:9",
    "DINGTALK_OAPI_BASE": "http://127.0.0.1:9",
}.items():
    os.environ.setdefault(name, value)

from releasegate.settings import *  # noqa: E402, F403

if DATABASES["default"]["ENGINE"] == "releasegate.sqlite":  # noqa: F405
    # A file, not Django's shared-cache in-memory database: production runs on a file in
    # WAL mode, and threads in tests then wait for each other's writes as they would in
    # production (shared-cache memory databases fail with "table is locked" instead).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(os.environ["RELEASEGATE_DATA_DIR"]) / "test.sqlite3")
    }

# An outbound call inside a database transaction fails the test that makes it.
REFUSE_CALLS_IN_TRANSACTIONS = True
