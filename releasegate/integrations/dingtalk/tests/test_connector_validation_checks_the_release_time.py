from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from releasegate.config import Freeze, ReleaseOptions, ReleaseWindow
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import submit, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


def releases(monkeypatch: pytest.MonkeyPatch, **options: Any) -> ReleaseOptions:
    """Use these release options (timezone Asia/Shanghai unless given)."""
    chosen = ReleaseOptions(**options)
    config = settings.CONFIG
    changed = config.options.model_copy(update={"releases": chosen})
    monkeypatch.setattr(settings, "CONFIG", dataclasses.replace(config, options=changed))
    return chosen


def local(days: float = 0, *, at: str | None = None) -> datetime:
    """Now (Asia/Shanghai) moved by `days`, at a clock time when given."""
    moment = datetime.now(ReleaseOptions().zone) + timedelta(days=days)
    if at is not None:
        hour, minute = at.split(":")
        moment = moment.replace(hour=int(hour), minute=int(minute), second=0, microsecond=0)
    return moment


def test_an_unreadable_release_time_is_refused(client: Client) -> None:
    answer = submit(client, release_time="明天下午")

    assert answer["valid"] is False
    assert answer["message"] == "发布时间 '明天下午' 无法识别，请使用 YYYY-MM-DD HH:MM 格式"


def test_a_release_time_in_the_past_is_refused(client: Client) -> None:
    past = local(-1)

    answer = submit(client, release_time=f"{past:%Y-%m-%d %H:%M}")

    assert answer["message"] == f"发布时间 {past:%Y-%m-%d %H:%M} 已经过去，请重新选择"


def test_a_release_time_beyond_the_horizon_is_refused(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases(monkeypatch, horizon_days=30)
    later = local(40)

    answer = submit(client, release_time=f"{later:%Y-%m-%d %H:%M}")

    assert answer["message"] == f"发布时间不能晚于 30 天之后（{later:%Y-%m-%d %H:%M}）"


def test_a_release_time_outside_every_window_is_refused(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = local(2, at="12:00")
    other_day = (wanted.weekday() + 1) % 7
    releases(
        monkeypatch, windows=[ReleaseWindow(days=[WEEKDAYS[other_day]], start="10:00", end="18:00")]
    )

    answer = submit(client, release_time=f"{wanted:%Y-%m-%d %H:%M}")

    assert answer["message"] == (
        f"{wanted:%Y-%m-%d %H:%M} 不在发布窗口内（允许：{DAY_NAMES[other_day]} 10:00-18:00）"
    )


def test_a_release_time_inside_a_window_is_accepted(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = local(2, at="12:00")
    releases(
        monkeypatch,
        windows=[ReleaseWindow(days=[WEEKDAYS[wanted.weekday()]], start="10:00", end="18:00")],
    )

    answer = submit(client, release_time=f"{wanted:%Y-%m-%d %H:%M}")

    assert answer["valid"] is True


def test_a_release_time_in_a_freeze_is_refused(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, end = local(1, at="18:00"), local(4, at="09:00")
    releases(
        monkeypatch,
        freezes=[
            Freeze(
                start=start.replace(tzinfo=None), end=end.replace(tzinfo=None), reason="国庆封网"
            )
        ],
    )
    wanted = local(2, at="12:00")

    answer = submit(client, release_time=f"{wanted:%Y-%m-%d %H:%M}")

    assert answer["message"] == (
        f"{wanted:%Y-%m-%d %H:%M} 处于封网期：国庆封网（{start:%m-%d %H:%M} 至 {end:%m-%d %H:%M}）"
    )


def test_an_empty_release_time_means_now_and_now_may_be_frozen(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases(
        monkeypatch,
        freezes=[Freeze(start=local(-1).replace(tzinfo=None), end=local(1).replace(tzinfo=None))],
    )

    answer = submit(client, release_time="")

    assert answer["valid"] is False
    assert "处于封网期：封网" in answer["message"]


def test_dingtalk_hears_the_refusal_in_chinese_whatever_language_its_call_names(
    client: Client,
) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.cookies["django_language"] = "en"

    answer = submit(client, release_time="明天下午")

    assert answer["message"] == "发布时间 '明天下午' 无法识别，请使用 YYYY-MM-DD HH:MM 格式"
