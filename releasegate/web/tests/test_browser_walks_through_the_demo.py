"""The dashboard in a real browser: Playwright drives Debian's Chromium, headless, through
the demo's ReleaseGate — log in, find the demo's releases, read one's timeline, then ask
for a release on the "new release" page, have the (simulated) approvers agree in DingTalk
and see it built."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.tests.browser import chromium
from releasegate.tests.cli import environment, runs_the_demo

pytestmark = [pytest.mark.slow, runs_the_demo]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def demo(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`releasegate demo --keep`, as a user runs it; what its demo-ready.json says."""
    data_dir = tmp_path_factory.mktemp("browser-demo")
    ready = data_dir / "demo-ready.json"
    with (data_dir / "demo-output.log").open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "releasegate", "demo", "--keep"],
            env=environment({}, data_dir),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(lambda: ready.exists() or process.poll() is not None, within=180)
            assert ready.exists(), (data_dir / "demo-output.log").read_text()
            yield json.loads(ready.read_text(encoding="utf-8"))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def _wait_for(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.fixture
def page(browser: Browser, demo: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Pictures for the docs, when asked for: RELEASEGATE_SCREENSHOTS=<folder>."""
    folder = os.environ.get("RELEASEGATE_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page: Page, demo: dict[str, Any], username: str = "zhangsan") -> None:
    user = next(login for login in demo["users"] if login["username"] == username)
    page.goto(demo["releasegate_url"] + "releases/")
    page.get_by_test_id("login-username").fill(user["username"])
    page.get_by_test_id("login-password").fill(user["password"])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("release-filters")).to_be_visible()


def reload_until_visible(page: Page, target: Locator, within: float) -> None:
    """Pages that are not live are reloaded, as a person would, until `target` shows."""
    deadline = time.monotonic() + within
    while not target.is_visible() and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(target).to_be_visible()


def test_a_tester_finds_the_demos_releases_and_reads_a_timeline(
    page: Page, demo: dict[str, Any]
) -> None:
    log_in(page, demo)

    for release_id in demo["releases"]:
        expect(page.locator(f'tr[data-release-id="{release_id}"]')).to_be_visible()
    screenshot(page, "releases")
    page.locator('tr[data-state="SUCCEEDED"] a').first.click()

    expect(page.get_by_test_id("release-state")).to_have_class(re.compile("state-succeeded"))
    items = page.get_by_test_id("timeline-item")
    expect(items.first).to_be_visible()
    kinds = {items.nth(i).get_attribute("data-kind") for i in range(items.count())}
    assert {"received", "state", "notification"} <= kinds, kinds
    expect(page.get_by_test_id("build-link")).to_have_attribute("href", re.compile("/job/"))
    expect(page.get_by_test_id("agreed-by")).to_contain_text("lisi")
    expect(page.get_by_test_id("notification").first).to_be_visible()
    screenshot(page, "release")


def test_a_request_from_the_new_release_page_is_approved_and_built(
    page: Page, demo: dict[str, Any]
) -> None:
    log_in(page, demo)
    page.goto(demo["releasegate_url"] + "requests/new")
    page.get_by_test_id("request-project").select_option("mall")
    page.get_by_test_id("request-application").select_option("mall/order-service")
    page.get_by_test_id("param-TAG").select_option("v3.8.0")
    page.get_by_test_id("request-db-change-no").check()
    screenshot(page, "new-release")
    page.get_by_test_id("request-submit").click()

    instance_id = page.get_by_test_id("instance-id").inner_text().strip()
    dingtalk = DingTalkControl(demo["dingtalk_url"])
    try:
        assert dingtalk.instance(instance_id)["originatorUserId"] == "zhangsan"
        for approver in ("lisi", "wangwu"):
            dingtalk.agree(instance_id, approver)
    finally:
        dingtalk.close()
    reload_until_visible(page, page.get_by_test_id("request-release-link"), within=60)
    page.get_by_test_id("request-release-link").click()

    succeeded = page.locator('[data-testid="release-state"].state-succeeded')
    reload_until_visible(page, succeeded, within=90)
    expect(page.get_by_test_id("parameters")).to_contain_text("v3.8.0")
    expect(page.get_by_test_id("build-link")).to_be_visible()
