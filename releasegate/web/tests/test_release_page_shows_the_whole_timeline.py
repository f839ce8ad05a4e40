"""A release's page: its parameters, state and times, the approval and its approvers,
the whole timeline (policy decisions, trigger, queue, build, input, result) with every
notification and its delivery outcome, links to Jenkins and DingTalk, and the end of the
build log when it failed. Releases run through the engine against the Jenkins simulator."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import (
    Approval,
    InboundEvent,
    Notification,
    Release,
    ReleaseState,
)
from releasegate.releases.tests.approvals import PROVIDER
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def succeeded(harness: Harness) -> Release:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)
    return release


def timeline_kinds(page: str) -> list[str]:
    return re.findall(r'data-testid="timeline-item" data-kind="([\w-]+)"', page)


def test_it_tells_the_story_of_a_successful_release(harness: Harness, signed_in: Client) -> None:
    release = succeeded(harness)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert timeline_kinds(page) == [
        "approver-decision",  # lisi
        "approver-decision",  # wangwu
        "received",
        "state",  # scheduled
        "state",  # triggering
        "state",  # queued
        "state",  # running
        "notification",  # started
        "input-answered",
        "state",  # succeeded
        "notification",  # finished
    ]
    for step in ("已收到", "已计划", "触发中", "排队中", "运行中", "成功"):
        assert f"→ {step}<" in page
    assert "approved by lisi, wangwu" in page
    assert re.search(r'data-testid="agreed-by">lisi, wangwu<', page)
    assert re.search(r'data-testid="originator">zhangsan<', page)
    assert 'data-testid="console-tail"' not in page


def test_it_shows_the_parameters_as_requested_and_as_approved(
    harness: Harness, signed_in: Client
) -> None:
    release = succeeded(harness)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert re.search(r'data-parameter="TAG"><td>TAG</td><td>v3.7.2</td><td>v3.7.2</td>', page)
    assert re.search(
        r'data-parameter="CANARY_PERCENT"><td>CANARY_PERCENT</td><td>—</td><td>10<', page
    )


def test_it_links_to_the_jenkins_build_and_queue_item(harness: Harness, signed_in: Client) -> None:
    release = succeeded(harness)
    release.refresh_from_db()

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert f'href="{release.build_url}" data-testid="build-link"' in page
    assert settings.CONFIG.jenkins is not None
    jenkins = settings.CONFIG.jenkins.url.rstrip("/")
    assert f'href="{jenkins}/queue/item/{release.queue_id}/" data-testid="queue-link"' in page


def test_every_notification_shows_its_delivery_outcome(harness: Harness, signed_in: Client) -> None:
    release = succeeded(harness)
    started = Notification.objects.get(release=release, kind="started")
    started.state, started.sent_at, started.attempts = "sent", harness.clock(), 1
    started.save()
    finished = Notification.objects.get(release=release, kind="finished")
    finished.state, finished.attempts = "failed", 5
    finished.last_error = "DingTalk refused: no permission to send work notifications"
    finished.save()

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert re.findall(r'data-testid="notification" data-state="(\w+)"', page) == [
        "sent",
        "failed",
    ]
    assert "no permission to send work notifications" in page


def test_a_failed_release_shows_the_end_of_its_build_log(
    harness: Harness, signed_in: Client
) -> None:
    release = harness.approve(
        "inst-2", form={"应用名称": "库存服务 (mall/inventory-service)", "分支或标签": "master"}
    )
    harness.until(lambda: harness.state(release) == ReleaseState.FAILED)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    tail = re.search(r'data-testid="console-tail">(.*?)</pre>', page, re.S)
    assert tail is not None
    assert "expected 5 reserved, got 4" in tail.group(1)


def test_it_links_to_the_approval_as_its_platform_described_it(
    harness: Harness, signed_in: Client
) -> None:
    release = harness.approve()
    page = signed_in.get(f"/releases/{release.pk}/").content.decode()
    assert 'data-testid="approval-link"' not in page
    assert re.search(r'data-testid="approval-instance">inst-1<', page)

    url = "https://aflow.dingtalk.com/dingtalk/web/query/pchomepage.htm?procInstId=inst-1"
    InboundEvent.objects.create(
        provider=PROVIDER,
        via="event",
        event_type="bpms_instance_change",
        instance_id="inst-1",
        payload={"processInstanceId": "inst-1", "url": url},
        received_at=harness.clock(),
    )
    page = signed_in.get(f"/releases/{release.pk}/").content.decode()
    assert f'href="{url.replace("&", "&amp;")}" data-testid="approval-link"' in page

    # A link the platform's own API gave comes first; only a web address is one.
    pages = [{"label": "x", "url": "javascript:alert(1)"}, {"label": "pc", "url": url + "&pc"}]
    Approval.objects.filter(pk=release.approval_id).update(links=pages)
    page = signed_in.get(f"/releases/{release.pk}/").content.decode()
    assert f'href="{url.replace("&", "&amp;")}&amp;pc" data-testid="approval-link"' in page
    assert "javascript:" not in page


def test_a_link_that_is_not_a_web_address_is_not_followed(
    harness: Harness, signed_in: Client
) -> None:
    release = harness.approve()
    InboundEvent.objects.create(
        provider=PROVIDER,
        via="stream",
        event_type="bpms_instance_change",
        instance_id="inst-1",
        payload={"data": '{"url": "javascript:alert(1)"}'},
        received_at=harness.clock() - timedelta(seconds=1),
    )

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert "javascript:" not in page
    assert 'data-testid="approval-link"' not in page


def test_an_unknown_release_is_not_found(signed_in: Client) -> None:
    assert signed_in.get("/releases/4040/").status_code == 404


def test_the_timeline_details_read_as_text_not_as_data(harness: Harness, signed_in: Client) -> None:
    release = succeeded(harness)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    details = re.findall(r'<div class="details">(.*?)</div>', page, re.S)
    assert details
    assert not [line for line in details if re.search(r"[{}\[\]]|&quot;|&#x27;", line)]
    received = re.search(r'data-kind="received">.*?<div class="details">(.*?)</div>', page, re.S)
    assert received and "分支或标签: v3.7.2" in received.group(1)
