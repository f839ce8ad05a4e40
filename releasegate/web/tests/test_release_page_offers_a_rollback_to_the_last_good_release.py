"""A release page offers "Roll back" when its application has a good release to go back
to: the new-release form prefilled with that release's approved parameters, reviewed and
sent as the signed-in person. The request goes to ReleaseGate's own approvals like any
other; once approved, the rollback and the release it rolls back from link to each other,
and both timelines say who asked. With nothing to go back to the page says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.inbox import pending, process
from releasegate.releases.models import LocalApproval, Release, ReleaseState
from releasegate.web.tests.ran import ran
from releasegate.web.tests.records import stored_release

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]


@pytest.fixture
def good_then_bad() -> tuple[Release, Release]:
    now = timezone.now()
    good = ran("good", "v3.7.2", ReleaseState.SUCCEEDED, at=now - timedelta(hours=2))
    bad = ran("bad", "v3.8.0", ReleaseState.FAILED, at=now - timedelta(hours=1))
    return good, bad


@pytest.fixture
def zhangsan(client: Client, person: Callable[..., User]) -> Client:
    client.force_login(person("zhangsan"))
    return client


def approved_by_two(instance_id: str) -> Release:
    """Two of the mall's approvers agree; the inbox is worked off as the worker would."""
    source = registry.for_requests().source
    for approver in ("lisi", "wangwu"):
        source.act(instance_id, approver, approver, Decision.APPROVE, "")
    now = timezone.now()
    for event_id in pending(now=now):
        process(event_id, {source.provider: source}, now)
    return Release.objects.get(is_rollback=True)


def test_the_page_of_a_failed_release_offers_the_good_one(
    zhangsan: Client, good_then_bad: tuple[Release, Release]
) -> None:
    good, bad = good_then_bad

    page = zhangsan.get(f"/releases/{bad.pk}/").content.decode()

    assert 'data-testid="rollback-link"' in page
    assert f"回滚到发布 {good.pk}" in page
    assert f'href="/releases/{bad.pk}/rollback/"' in page


def test_a_release_that_has_not_run_offers_no_rollback(
    zhangsan: Client, good_then_bad: tuple[Release, Release]
) -> None:
    waiting = stored_release("waiting", received_at=timezone.now(), state=ReleaseState.SCHEDULED)

    page = zhangsan.get(f"/releases/{waiting.pk}/").content.decode()

    assert 'data-testid="rollback-link"' not in page
    assert 'data-testid="release-state"' in page


def test_the_only_good_release_offers_nothing(zhangsan: Client) -> None:
    only = ran("good", "v3.7.2", ReleaseState.SUCCEEDED, at=timezone.now())

    page = zhangsan.get(f"/releases/{only.pk}/").content.decode()

    assert 'data-testid="rollback-link"' not in page


def test_the_form_is_prefilled_with_the_good_parameters(
    zhangsan: Client, good_then_bad: tuple[Release, Release]
) -> None:
    good, bad = good_then_bad

    response = zhangsan.get(f"/releases/{bad.pk}/rollback/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="rollback_to" value="{good.pk}"' in page
    assert '<tr data-parameter="TAG"><td>TAG</td><td>v3.7.2</td></tr>' in page
    assert "RELEASEGATE_RELEASE_ID" not in page  # the rollback gets its own
    assert "在ReleaseGate中发起回滚审批" in page


def test_the_sent_rollback_is_approved_and_linked_both_ways(
    zhangsan: Client, good_then_bad: tuple[Release, Release]
) -> None:
    good, bad = good_then_bad
    form = {"rollback_to": good.pk, "reason": "下单失败", "release_time": "", "db_change": "no"}

    response = zhangsan.post(f"/releases/{bad.pk}/rollback/", form)

    approval = LocalApproval.objects.get()
    assert response.status_code == 302, response.content.decode()
    assert dict(approval.form)["分支或标签"] == "v3.7.2"
    asked_page = zhangsan.get(response["Location"]).content.decode()
    assert 'data-testid="request-rollback"' in asked_page and "下单失败" in asked_page
    waiting = zhangsan.get(f"/releases/{bad.pk}/").content.decode()
    assert 'data-testid="rollback-request-link"' in waiting
    assert f"zhangsan 申请回滚到 #{good.pk}" in waiting

    rollback = approved_by_two(str(approval.pk))

    page = zhangsan.get(f"/releases/{rollback.pk}/").content.decode()
    assert f'href="/releases/{bad.pk}/" data-testid="rollback-of-link"' in page
    assert f'href="/releases/{good.pk}/" data-testid="rollback-to-link"' in page
    assert f"zhangsan 申请回滚 #{bad.pk}" in page
    rolled_back = zhangsan.get(f"/releases/{bad.pk}/").content.decode()
    assert f'href="/releases/{rollback.pk}/" data-testid="rollback-release-link"' in rolled_back


def test_with_nothing_to_go_back_to_the_page_says_so(zhangsan: Client) -> None:
    bad = ran("bad", "v3.8.0", ReleaseState.FAILED, at=timezone.now())

    response = zhangsan.get(f"/releases/{bad.pk}/rollback/")

    assert response.status_code == 400
    assert "没有成功的发布，无法回滚" in response.content.decode()
    assert 'data-testid="rollback-form"' not in response.content.decode()


def test_in_english_the_timeline_says_who_asked(
    zhangsan: Client, good_then_bad: tuple[Release, Release]
) -> None:
    good, bad = good_then_bad
    form = {"rollback_to": good.pk, "release_time": "", "db_change": "no"}
    zhangsan.post(f"/releases/{bad.pk}/rollback/", form)

    page = zhangsan.get(f"/releases/{bad.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"Rollback to #{good.pk} requested by zhangsan" in page


@pytest.mark.parametrize("shown_to", ["9" * 40, "x", ""])
def test_a_good_release_number_it_cannot_read_is_not_a_server_error(
    zhangsan: Client, good_then_bad: tuple[Release, Release], shown_to: str
) -> None:
    _good, bad = good_then_bad
    form = {"rollback_to": shown_to, "release_time": "", "db_change": "no"}

    response = zhangsan.post(f"/releases/{bad.pk}/rollback/", form)

    assert response.status_code < 500
    assert zhangsan.get(f"/releases/{'9' * 40}/rollback/").status_code == 404
