"""A connector call that fails (an HTTP error, no answer within the timeout, an answer
that is not JSON or not of the declared shape) is what the form shows: options that
cannot load, or a submission that is blocked with nothing started. Each is recorded."""

from __future__ import annotations

import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub, Scripted
from releasegate.simulators.dingtalk.tests.forms import filled_form, option_values

FAILURES = [
    pytest.param(
        Scripted({"error": "internal error; see the server log"}, status=500),
        "HTTP 500: internal error; see the server log",
        id="http-error",
    ),
    pytest.param(
        Scripted(raw=b"<html>Bad Gateway</html>", status=200),
        "the answer is not JSON",
        id="not-json",
    ),
    pytest.param(Scripted(raw=b"<html>Bad Gateway</html>", status=502), "HTTP 502", id="html-502"),
    pytest.param(Scripted(delay=0.6), "no answer within 0.2 s", id="timeout"),
]


@pytest.fixture(autouse=True)
def short_timeout(connected: DingTalkControl) -> None:
    connected.configure_connector(timeout=0.2)


@pytest.mark.parametrize(("failure", "outcome"), FAILURES)
def test_options_that_cannot_load_are_shown_as_such(
    connected: DingTalkControl, connector: ConnectorStub, failure: Scripted, outcome: str
) -> None:
    connector.script("projects", failure)

    form = connected.open_form("zhangsan")

    assert option_values(form, "项目名称") == []
    assert form["notices"] == [f"无法加载 项目名称 的选项：{outcome}"]
    [call] = connected.connector_calls("projects")
    assert (call["outcome"], call["ok"]) == (outcome, False)


@pytest.mark.parametrize(("failure", "outcome"), FAILURES)
def test_a_failed_submit_check_blocks_the_submission(
    connected: DingTalkControl, connector: ConnectorStub, failure: Scripted, outcome: str
) -> None:
    connector.script("validate", failure)

    form = connected.submit_form(filled_form(connected))

    assert (form["state"], form["refusal"]) == ("open", f"提交校验失败，无法提交：{outcome}")
    assert connected.instances() == []


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ({"valid": "true", "message": ""}, "valid: Input should be a valid boolean"),
        ({"message": "ok"}, "valid: Field required"),
        ([True], "answer: Input should be a valid dictionary or instance of ValidationAnswer"),
    ],
)
def test_a_submit_answer_of_another_shape_blocks_the_submission(
    connected: DingTalkControl, connector: ConnectorStub, answer: object, why: str
) -> None:
    connector.script("validate", Scripted(answer))

    form = connected.submit_form(filled_form(connected))

    assert form["refusal"] == (
        f"提交校验失败，无法提交：the answer does not fit the declared output: {why}"
    )
    assert connected.instances() == []


def test_option_lists_of_another_shape_leave_the_options_as_they_were(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connector.script("applications", Scripted({"ids": ["mall/order-service"], "values": []}))
    form_id = connected.open_form("zhangsan")["id"]

    form = connected.choose(form_id, "项目名称", "mall")

    assert option_values(form, "应用名称") == []
    assert form["notices"] == [
        "无法加载 应用名称 的选项：the answer does not fit the declared output: "
        "answer: Value error, ids and values differ in length"
    ]


def test_without_a_connector_the_form_cannot_load_options(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connected.configure_connector(url=None)

    form = connected.open_form("zhangsan")

    assert form["notices"] == ["无法加载 项目名称 的选项：no connector URL configured"]
    assert connector.received == []
