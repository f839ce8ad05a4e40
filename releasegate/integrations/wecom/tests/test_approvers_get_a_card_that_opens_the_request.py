"""With `WECOM_APPROVAL_CARDS=1`, each approver whose turn it is gets one WeCom text
notice card saying what the release changes (its parameters beside the last good
release's, the commits Jenkins recorded since, the database change, when it runs) that
opens the request's page on the dashboard, where it says the decision is WeCom's 审批 app's
(WeCom cannot be decided from outside). Without the setting nobody gets one; nobody gets
two, whatever passes, restarts or lost records; once approved, the release's timeline
shows the cards sent."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.integrations.wecom.approvals import REQUEST_ID_TITLE
from releasegate.integrations.wecom.tests.card_world import CardWorld
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import Notification, Release
from releasegate.simulators.wecom.settings import SimSettings
from releasegate.web.timeline import timeline

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_catalog", "good"),
]
StartWorld = Callable[..., CardWorld]


def card_text(message: dict[str, object]) -> str:
    card = message["content"]
    assert isinstance(card, dict)
    lines = [f"{i['keyname']}：{i['value']}" for i in card["horizontal_content_list"]]
    return "\n".join([card["main_title"]["title"], *lines, card["quote_area"]["quote_text"]])


def test_each_approver_gets_a_card_with_what_the_release_changes(
    start_world: StartWorld, good: Release
) -> None:
    world = start_world()

    sp_no = world.request()

    for approver in ("lisi", "wangwu"):
        (card,) = world.cards_of(approver)
        text = card_text(card)
        assert "待你审批：mall/order-service" in text
        assert f"参数对比（本次 ← 上次成功的发布 #{good.pk}）" in text
        assert "TAG：v3.8.0 ← v3.7.2（有变化）" in text
        assert f"提交：2 条（构建 #{good.build_number} 之后）" in text
        assert "Fix the cart total — Li Lei" in text and "Add coupons — Han Meimei" in text
        assert "数据库：无" in text and "发布时间：审批通过后立即发布" in text
        assert card["advice"] == []  # within the lengths WeCom's doc advises
    assert world.cards_of("zhangsan") == []
    assert Notification.objects.filter(kind="approval_card", state="sent").count() == 2
    assert sp_no


def test_the_card_opens_the_requests_page_which_says_where_to_decide(
    start_world: StartWorld, client: Client, django_user_model: type[User]
) -> None:
    world = start_world()
    sp_no = world.request()
    (card,) = world.cards_of("lisi")

    opened = world.control.open_card(card["id"], "lisi")

    assert opened == f"{world.public_url}requests/{sp_no}/"
    client.force_login(django_user_model.objects.create_user("lisi"))
    page = client.get(urlsplit(opened).path).content.decode()
    assert 'data-testid="decided-in"' in page
    assert "审批人在企业微信的「审批」应用中同意或驳回" in page
    assert "ReleaseGate 无法代为审批" in page
    assert 'data-parameter="TAG" class="changed"' in page


def test_without_the_setting_nobody_gets_a_card(start_world: StartWorld) -> None:
    world = start_world(cards=False)

    world.request()
    world.run_chores()

    assert world.cards_of("lisi") == world.cards_of("wangwu") == []
    assert not Notification.objects.filter(kind="approval_card").exists()


def test_a_card_is_sent_once_across_passes_and_restarts(start_world: StartWorld) -> None:
    world = start_world()
    sp_no = world.request()
    world.control.remind(sp_no, "zhangsan")  # a callback: the approval is read again
    world.process_inbox()

    world.run_chores()
    registry.rebuild()  # as after a restart: nothing remembered but the database
    world.run_chores()

    assert len(world.cards_of("lisi")) == len(world.cards_of("wangwu")) == 1
    assert Notification.objects.filter(kind="approval_card").count() == 2


def test_a_card_sent_but_not_recorded_is_not_shown_twice(start_world: StartWorld) -> None:
    world = start_world()
    world.request()
    # As if the worker stopped between sending the cards and keeping them.
    Notification.objects.filter(kind="approval_card").delete()
    registry.rebuild()

    world.run_chores()

    assert len(world.cards_of("lisi")) == len(world.cards_of("wangwu")) == 1


def test_an_approver_of_a_later_step_gets_a_card_when_their_turn_comes(
    start_world: StartWorld,
) -> None:
    world = start_world()
    source = world.source
    request = ReleaseRequest(
        project="mall",
        application="mall/order-service",
        release_type="全量",
        db_change="否",
        parameters={"TAG": "v3.8.0"},
    )
    steps = [{"type": 1, "apv_rel": 1, "userid": [user]} for user in ("lisi", "wangwu")]
    sp_no = source.client.apply_event(
        {
            "creator_userid": "zhangsan",
            "template_id": SimSettings.demo().template_id,
            "use_template_approver": 0,
            "process": {"node_list": steps},
            "apply_data": {"contents": source.contents_for(request, "req-in-turn")},
            "summary_list": [{"summary_info": [{"text": "发布 order-service", "lang": "zh_CN"}]}],
        }
    )
    world.process_inbox()
    world.run_chores()
    assert (len(world.cards_of("lisi")), len(world.cards_of("wangwu"))) == (1, 0)

    world.control.approve(sp_no, "lisi")
    world.process_inbox()
    world.run_chores()

    assert (len(world.cards_of("lisi")), len(world.cards_of("wangwu"))) == (1, 1)
    assert REQUEST_ID_TITLE not in card_text(world.cards_of("wangwu")[0])


def test_once_approved_the_release_timeline_shows_the_cards_sent(
    start_world: StartWorld,
) -> None:
    world = start_world()
    sp_no = world.request()

    world.control.approve(sp_no, "lisi")
    world.control.approve(sp_no, "wangwu")
    world.process_inbox()

    release = Release.objects.get(approval__instance_id=sp_no)
    sent = [item for item in timeline(release) if item.kind == "notification"]
    assert sorted(item.title for item in sent) == [
        f"通知“待你审批：mall/order-service”（approval_card）发给 {user}：已发送"
        for user in ("lisi", "wangwu")
    ]
    # Sent while the approval was pending: before the release was received.
    received = next(item for item in timeline(release) if item.kind == "received")
    assert all(item.at < received.at for item in sent)
