"""The app secret, every access token and the robot's token and secret are registered as
secrets: they never appear in a log line or an error, even in the oapi URL that carries
the token in its query."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

import pytest

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.integrations.dingtalk.tests.clocks import RecordedSleeps
from releasegate.lib.http import OutboundError, Timeouts
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

Connect = Callable[..., DingTalkClient]
FAULTS = [
    {},
    {"qps_limit": 3},
    {"quota": 3},
    {"invalid_token": 2},
    {"unauthorized": 2},
    {"server_error": 3},
]


def test_it_keeps_the_secret_and_tokens_out_of_every_error_and_log_line(
    dingtalk: DingTalkSimulator,
    dingtalk_sim: DingTalkControl,
    connect_dingtalk: Connect,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = connect_dingtalk(dingtalk, sleep=RecordedSleeps())
    failures: list[OutboundError] = []
    tokens = {client.access_token()}

    for round_number, faults in enumerate(FAULTS):
        dingtalk_sim.set_faults(**faults)
        dingtalk_sim.expire_tokens()
        for call in (
            partial(client.get_instance, "no-such-instance"),
            partial(client.send_work_notification, ["lisi"], "发布", f"第 {round_number} 轮"),
        ):
            try:
                call()
            except OutboundError as exc:
                failures.append(exc)
        tokens.add(client.access_token())

    # The unknown instance, the QPS limit, the quota twice, both refused tokens, the 503 twice.
    assert len(failures) == 8
    assert "access_token=***" in caplog.text
    secrets = [dingtalk.settings.app_secret, *tokens]
    for text in [caplog.text, *(str(e) for e in failures), *(repr(e) for e in failures)]:
        for secret in secrets:
            assert secret not in text


def test_it_keeps_a_refused_app_secret_out_of_the_error_and_logs(
    dingtalk: DingTalkSimulator, connect_dingtalk: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "a-wrong-app-secret-value"

    with pytest.raises(OutboundError) as raised:
        connect_dingtalk(dingtalk, app_secret=wrong).get_instance("any")

    assert wrong not in str(raised.value)
    assert wrong not in caplog.text


def test_it_keeps_the_robots_token_and_secret_out_of_logs(
    dingtalk: DingTalkSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = dingtalk.settings

    with (
        GroupRobot(
            dingtalk.robot_webhook,
            "SECa-wrong-robot-secret",
            timeouts=Timeouts.uniform(5),
            verify_tls=False,
        ) as robot,
        pytest.raises(OutboundError) as raised,
    ):
        robot.send_markdown("发布", "内容")

    for secret in (settings.robot_token, "SECa-wrong-robot-secret"):
        assert secret not in caplog.text
        assert secret not in str(raised.value)
