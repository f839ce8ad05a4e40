"""Whatever the platform, each approver's decision is in the release's audit trail at the
time it was taken: on the release page's timeline and in the API's events."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from releasegate.releases.approvals.instance import ApproverTask, TaskDecision
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.models import Release
from releasegate.releases.tests.approvals import FakeApprovals, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def release() -> Release:
    """Approved by lisi (with a remark) and wangwu; zhaoliu's task closed without his word."""
    now = timezone.now().replace(microsecond=0)
    approved = instance(decided_at=now - timedelta(minutes=10))
    tasks = (
        ApproverTask("lisi", TaskDecision.APPROVED, "1", now - timedelta(minutes=30), "看过了"),
        ApproverTask("wangwu", TaskDecision.APPROVED, "2", now - timedelta(minutes=10)),
        ApproverTask("zhaoliu", TaskDecision.OTHER, "3", now - timedelta(minutes=10)),
    )
    source = FakeApprovals(dataclasses.replace(approved, tasks=tasks))
    ingest_approval(source, "inst-1", via="event", form_vouched=True, now=now)
    return Release.objects.get()


def test_ingest_records_each_decision_at_its_time(release: Release) -> None:
    decisions = release.events.filter(kind="approver-decision")

    assert [(e.actor, e.reason, e.details) for e in decisions] == [
        ("fake:lisi", "approved: 看过了", {"decision": "approved", "remark": "看过了"}),
        ("fake:wangwu", "approved", {"decision": "approved", "remark": ""}),
    ]
    received = release.events.get(kind="received")
    assert [e.kind for e in release.events.all()] == [
        "approver-decision",
        "approver-decision",
        "received",
    ]
    assert all(e.at < received.at for e in decisions)


def test_the_release_page_shows_them_in_its_timeline(release: Release, client: Client) -> None:
    client.force_login(User.objects.create_user("zhangsan"))

    page = client.get(f"/releases/{release.pk}/").content.decode()

    kinds = re.findall(r'data-testid="timeline-item" data-kind="([\w-]+)"', page)
    assert kinds[:3] == ["approver-decision", "approver-decision", "received"]
    assert "审批人已审批" in page
    assert "fake:lisi" in page and "approved: 看过了" in page


def test_the_api_lists_them_among_the_events(release: Release) -> None:
    api = APIClient()
    api.force_authenticate(User.objects.create_user("zhangsan"))

    events = api.get(f"/api/releases/{release.pk}").json()["events"]

    assert [(e["kind"], e["actor"]) for e in events[:3]] == [
        ("approver-decision", "fake:lisi"),
        ("approver-decision", "fake:wangwu"),
        ("received", "fake:zhangsan"),
    ]
