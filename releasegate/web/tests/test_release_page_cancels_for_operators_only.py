"""The Cancel button on a release's page: shown to users who may change releases (or
staff), working through the operators' cancel path (a queued build is cancelled in Jenkins
first), refused with a message once the release has ended or its build runs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.config import ReleaseOptions
from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.jenkins.server import JenkinsSimulator

pytestmark = pytest.mark.django_db


@pytest.fixture
def harness(
    start_jenkins: Callable[..., JenkinsSimulator],
    engine_options: ReleaseOptions,
    settings: Settings,
) -> Iterator[Harness]:
    """The engine's harness, with ReleaseGate configured to use its Jenkins (the page
    cancels a queued build there)."""
    simulator = start_jenkins()
    jenkins = dataclasses.replace(
        settings.CONFIG.jenkins, url=simulator.url, user=DEMO_USER, token=DEMO_TOKEN
    )
    settings.CONFIG = dataclasses.replace(settings.CONFIG, jenkins=jenkins)
    running = Harness(simulator, engine_options)
    yield running
    running.close()


@pytest.fixture
def operator(client: Client, person: Callable[..., User]) -> Client:
    client.force_login(person("ops", "ops", "change_release"))
    return client


def scheduled(harness: Harness) -> Release:
    release = harness.approve(form={"发布时间": harness.release_time(2 * 3600)})
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED
    return release


def said(page: str) -> str:
    found = re.search(r'data-testid="messages">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_an_operator_cancels_a_scheduled_release(harness: Harness, operator: Client) -> None:
    release = scheduled(harness)
    page = operator.get(f"/releases/{release.pk}/").content.decode()
    assert 'data-testid="cancel-form"' in page

    response = operator.post(
        f"/releases/{release.pk}/cancel/", {"reason": "发布窗口调整"}, follow=True
    )

    assert harness.state(release) == ReleaseState.CANCELLED
    last = release.events.order_by("-at", "-id").first()
    assert last is not None and last.actor == "dashboard:ops"
    assert "发布窗口调整" in last.reason
    assert Notification.objects.filter(release=release, kind="cancelled").exists()
    assert f"发布 {release.pk} 已取消" in said(response.content.decode())
    assert 'data-testid="cancel-form"' not in response.content.decode()


def test_staff_cancel_a_queued_release_in_jenkins_first(
    harness: Harness, client: Client, person: Callable[..., User]
) -> None:
    # A build started by hand waits at its input step: the release's build queues behind.
    harness.jenkins.trigger("mall/order-service", {"TAG": "v3.7.1"})
    harness.tick(1)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.QUEUED)
    client.force_login(person("admin", "", is_staff=True))

    response = client.post(f"/releases/{release.pk}/cancel/", follow=True)

    assert f"发布 {release.pk} 已取消" in said(response.content.decode())
    assert harness.state(release) == ReleaseState.CANCELLED
    mine = [item for item in harness.sim.queue() if item["parameters"]["TAG"] == "v3.7.2"]
    assert [item["cancelled"] for item in mine] == [True]


def test_a_user_who_may_not_change_releases_sees_no_button_and_is_refused(
    harness: Harness, signed_in: Client
) -> None:
    release = scheduled(harness)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()
    response = signed_in.post(f"/releases/{release.pk}/cancel/")

    assert 'data-testid="cancel-form"' not in page
    assert response.status_code == 403
    assert harness.state(release) == ReleaseState.SCHEDULED


def test_an_ended_release_cannot_be_cancelled(harness: Harness, operator: Client) -> None:
    release = harness.approve(
        form={"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
    )
    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)
    page = operator.get(f"/releases/{release.pk}/").content.decode()
    assert 'data-testid="cancel-form"' not in page

    response = operator.post(f"/releases/{release.pk}/cancel/", follow=True)

    assert f"发布 {release.pk} 已结束（SUCCEEDED）" in said(response.content.decode())
    assert harness.state(release) == ReleaseState.SUCCEEDED


def test_a_running_build_is_not_cancelled_and_the_page_says_why(
    harness: Harness, operator: Client
) -> None:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.RUNNING)

    response = operator.post(f"/releases/{release.pk}/cancel/", follow=True)

    message = said(response.content.decode())
    assert f"发布 {release.pk} 未能取消" in message
    assert "RUNNING" in message
    assert harness.state(release) == ReleaseState.RUNNING


def test_cancelling_is_a_post(harness: Harness, operator: Client) -> None:
    release = scheduled(harness)

    assert operator.get(f"/releases/{release.pk}/cancel/").status_code == 405
    harness.tick(timedelta(minutes=1).total_seconds())
    assert harness.state(release) == ReleaseState.SCHEDULED
