from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.operators import CannotCancel, cancel_release
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def scheduled(harness: Harness) -> Release:
    later = (
        (harness.clock.now + timedelta(hours=2))
        .astimezone(harness.context.options.zone)
        .strftime("%Y-%m-%d %H:%M")
    )
    release = harness.approve(form={"发布时间": later})
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED
    return release


def test_a_scheduled_release_is_cancelled_and_its_people_told(harness: Harness) -> None:
    release = scheduled(harness)

    cancel_release(release.pk, actor="operator:ops", reason="发布窗口调整")

    assert harness.state(release) == ReleaseState.CANCELLED
    last = release.events.order_by("-at", "-id").first()
    assert last is not None and last.actor == "operator:ops"
    assert "发布窗口调整" in last.reason
    cancelled = Notification.objects.get(kind="cancelled")
    assert cancelled.recipients == ["zhangsan", "lisi", "wangwu"]
    harness.tick(3 * 3600)
    harness.run(passes=3)
    assert harness.sim.builds() == []


def test_a_queued_release_is_cancelled_in_jenkins_first(harness: Harness) -> None:
    # Someone started the (non-concurrent) job by hand; it waits at its input step, so
    # the release's build is blocked in the queue behind it.
    harness.jenkins.trigger("mall/order-service", {"TAG": "v3.7.1"})
    harness.tick(1)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.QUEUED)
    harness.run(passes=2, seconds=1)

    cancel_release(release.pk, actor="operator:ops", jenkins=harness.jenkins)

    assert harness.state(release) == ReleaseState.CANCELLED
    mine = [item for item in harness.sim.queue() if item["parameters"]["TAG"] == "v3.7.2"]
    assert [item["cancelled"] for item in mine] == [True]
    assert [b["parameters"]["TAG"] for b in harness.sim.builds()] == ["v3.7.1"]


def test_a_running_release_cannot_be_cancelled(harness: Harness) -> None:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.RUNNING)

    with pytest.raises(CannotCancel, match="RUNNING"):
        cancel_release(release.pk, actor="operator:ops", jenkins=harness.jenkins)


def test_the_admin_shows_releases_read_only_and_cancels_them(
    harness: Harness, client: Client
) -> None:
    release = scheduled(harness)
    client.force_login(User.objects.create_superuser("admin", "a@example.com", "pw"))

    for page in (
        "/admin/releases/release/",
        f"/admin/releases/release/{release.pk}/change/",
        "/admin/releases/approval/",
        "/admin/releases/inboundevent/",
        "/admin/releases/notification/",
    ):
        assert client.get(page).status_code == 200, page
    detail = client.get(f"/admin/releases/release/{release.pk}/change/").content.decode()
    assert "approved parameters frozen" in detail

    client.post(
        "/admin/releases/release/", {"action": "cancel", "_selected_action": [str(release.pk)]}
    )

    assert harness.state(release) == ReleaseState.CANCELLED
