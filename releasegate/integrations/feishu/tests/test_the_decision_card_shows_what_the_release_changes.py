"""An approver's decision card says what the release changes beside the application's
last good release (the parameters, what differs in bold; the commits when Jenkins can be
read), and keeps saying it after a click: the click's answer reuses the card's body
rather than asking Jenkins again within Feishu's 3 seconds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from releasegate.integrations.feishu.tests.card_world import APPROVE, CardWorld
from releasegate.releases.models import Approval, Release, ReleaseState

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


def last_good_release() -> Release:
    done = timezone.now() - timedelta(days=1)
    approval = Approval.objects.create(
        provider="feishu",
        instance_id="earlier",
        status="approved",
        originator_user_id="zhangsan",
        first_seen_at=done,
        refreshed_at=done,
    )
    return Release.objects.create(
        approval=approval,
        state=ReleaseState.SUCCEEDED,
        project_key="mall",
        application_name="mall/order-service",
        job_full_name="mall/order-service",
        approved_parameters={"TAG": "v3.7.2"},
        received_via="event",
        received_at=done,
        finished_at=done,
        updated_at=done,
        build_number=7,
    )


def test_the_card_compares_the_parameters_with_the_last_good_release(
    card_world: CardWorld,
) -> None:
    good = last_good_release()

    card_world.request()

    body = card_world.card_of("lisi")["content"]["elements"][0]["content"]
    assert f"参数对比（本次 ← 上次成功的发布 #{good.pk}）" in body
    assert "**TAG：v3.8.0 ← v3.7.2**" in body
    assert "- 变更：" in body
    assert "- 数据库变更：无" in body


def test_a_clicked_card_still_says_what_changes(card_world: CardWorld) -> None:
    last_good_release()
    card_world.request()

    card_world.click("lisi", APPROVE)

    shown = card_world.card_of("lisi")["content"]
    assert "**TAG：v3.8.0 ← v3.7.2**" in shown["elements"][0]["content"]
    assert "你已同意" in shown["elements"][-1]["content"]
