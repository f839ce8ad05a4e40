"""The Retry button on the page of a release that ended in ERROR: shown to users who may
change releases (or staff), working through the operators' retry path (the approval is
asked again), refused with a message when the approval no longer holds; the timeline
says who retried it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.approvals import ORDER_FORM, instance
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState


@pytest.fixture
def operator(client: Client, person: Callable[..., User]) -> Client:
    client.force_login(person("ops", "ops", "change_release"))
    return client


@pytest.fixture
def in_error(harness_platform: Harness) -> Release:
    """A release Jenkins refused to build (a revoked token); the token then fixed."""
    harness = harness_platform
    fixed = harness.context.jenkins
    harness.context.jenkins = harness.client(token="revoked-token")
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.ERROR)
    harness.context.jenkins = fixed
    return release


def said(page: str) -> str:
    found = re.search(r'data-testid="messages">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_an_operator_retries_it_and_the_timeline_says_who(
    harness_platform: Harness, in_error: Release, operator: Client
) -> None:
    harness = harness_platform
    page = operator.get(f"/releases/{in_error.pk}/").content.decode()
    assert 'data-testid="retry-form"' in page

    response = operator.post(
        f"/releases/{in_error.pk}/retry/", {"reason": "令牌已更新"}, follow=True
    )

    assert harness.state(in_error) == S.TRIGGERING
    shown = response.content.decode()
    assert f"发布 {in_error.pk} 已重试" in said(shown)
    assert 'data-testid="retry-form"' not in shown
    assert "由 ops 重试：出错 → 触发中" in shown
    back = in_error.events.get(from_state=S.ERROR)
    assert (back.actor, back.reason) == ("dashboard:ops", "retried by dashboard:ops: 令牌已更新")
    harness.until(lambda: harness.state(in_error) == S.SUCCEEDED)
    assert len(harness.sim.builds()) == 1
    operator.cookies["django_language"] = "en"
    in_english = operator.get(f"/releases/{in_error.pk}/").content.decode()
    assert "Retried by ops: Error → Triggering" in in_english


def test_a_revoked_approval_is_not_retried_and_the_page_says_why(
    harness_platform: Harness, in_error: Release, operator: Client
) -> None:
    harness = harness_platform
    harness.approvals.instances["inst-1"] = instance(
        "inst-1", form={**ORDER_FORM, **FORM}, decided_at=harness.clock(), taken_back_by="x-1"
    )

    response = operator.post(f"/releases/{in_error.pk}/retry/", follow=True)

    message = said(response.content.decode())
    assert f"发布 {in_error.pk} 未能重试" in message
    assert "审批已不再有效" in message
    assert harness.state(in_error) == S.ERROR


def test_a_user_who_may_not_change_releases_sees_no_button_and_is_refused(
    harness_platform: Harness, in_error: Release, signed_in: Client
) -> None:
    page = signed_in.get(f"/releases/{in_error.pk}/").content.decode()
    response = signed_in.post(f"/releases/{in_error.pk}/retry/")

    assert 'data-testid="retry-form"' not in page
    assert response.status_code == 403
    assert harness_platform.state(in_error) == S.ERROR


def test_a_release_not_in_error_shows_no_button_and_is_not_retried(
    harness_platform: Harness, operator: Client
) -> None:
    harness = harness_platform
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)
    page = operator.get(f"/releases/{release.pk}/").content.decode()

    response = operator.post(f"/releases/{release.pk}/retry/", follow=True)

    assert 'data-testid="retry-form"' not in page
    assert "只有以 ERROR 结束的发布可以重试" in said(response.content.decode())
    assert operator.get(f"/releases/{release.pk}/retry/").status_code == 405
