"""A rollback in a real browser (Playwright driving Debian's Chromium): from a failed
release's page, "Roll back" opens the form with the good release's parameters; the
database-done question appears only once a database change is said, as on the
new-release page; sending it starts the rollback in ReleaseGate's own approvals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from releasegate.releases.models import LocalApproval, ReleaseState, RollbackRequest
from releasegate.tests.browser import chromium
from releasegate.web.tests.ran import ran

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]


def test_the_rollback_is_reviewed_and_sent(
    live_server: LiveServer, person: Callable[..., User]
) -> None:
    person("zhangsan")
    now = timezone.now()
    good = ran("good", "v3.7.2", ReleaseState.SUCCEEDED, at=now - timedelta(hours=2))
    bad = ran("bad", "v3.8.0", ReleaseState.FAILED, at=now - timedelta(hours=1))

    # Playwright runs an event loop in this thread: the database is read only outside it.
    with chromium() as browser:
        review_and_send(browser, f"{live_server.url}/accounts/login/?next=/releases/{bad.pk}/")

    approval = LocalApproval.objects.get()
    assert dict(approval.form)["分支或标签"] == "v3.7.2"
    assert RollbackRequest.objects.get().rollback_to == good


def review_and_send(browser: Browser, login_url: str) -> None:
    page = browser.new_page()
    page.goto(login_url)
    page.get_by_test_id("login-username").fill("zhangsan")
    page.get_by_test_id("login-password").fill("pw-zhangsan")
    page.get_by_test_id("login-submit").click()

    page.get_by_test_id("rollback-link").click()
    expect(page.locator('tr[data-parameter="TAG"]')).to_contain_text("v3.7.2")
    done = page.locator("#request-db-change-done")
    expect(done).to_be_hidden()
    page.get_by_test_id("request-db-change-yes").check()
    expect(done).to_be_visible()
    page.get_by_test_id("request-db-change-no").check()
    expect(done).to_be_hidden()
    page.get_by_test_id("rollback-reason").fill("下单失败")
    page.get_by_test_id("rollback-submit").click()

    expect(page.get_by_test_id("request-rollback")).to_contain_text("下单失败")
    page.close()
