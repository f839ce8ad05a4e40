"""32 failed logins at once against `releasegate serve` (real password hashing, one
process): DingTalk's connector calls, which anyone can reach, are still answered within a
fraction of a second, because refused attempts are never hashed and at most two passwords
are checked at a time. (Unthrottled, each hash took a request thread and ~0.25 s of CPU,
and the connector calls waited seconds for a thread.)"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.tests.cli import serving

SETTINGS = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "login-flood-test-token",
    **DEMO_DINGTALK,
}


def fail_to_log_in(base: str, n: int) -> int:
    with httpx.Client(base_url=base, timeout=60) as browser:
        page = browser.get("accounts/login/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        form = {"csrfmiddlewaretoken": token.group(1), "username": "ops", "password": f"g{n}"}
        return browser.post("accounts/login/", data=form).status_code


def connector_call(base: str) -> float:
    started = time.monotonic()
    answer = httpx.post(base + "dingtalk/connector/projects", json={}, timeout=30)
    assert answer.status_code == 401  # unsigned: refused, after the guard and the parser
    return time.monotonic() - started


@pytest.mark.slow
def test_connector_calls_stay_fast_during_a_login_flood(tmp_path: Path) -> None:
    with serving(SETTINGS, tmp_path, "--no-worker") as base, ThreadPoolExecutor(40) as pool:
        quiet = [connector_call(base) for _ in range(5)]
        flood = [pool.submit(fail_to_log_in, base, n) for n in range(32)]
        during = [connector_call(base) for _ in range(10)]
        statuses = [attempt.result() for attempt in flood]

    print(f"connector: quiet max {max(quiet):.3f} s, during the flood max {max(during):.3f} s")
    assert max(during) < 1.0
    assert set(statuses) <= {200, 429}
    assert statuses.count(429) >= 32 - 10
