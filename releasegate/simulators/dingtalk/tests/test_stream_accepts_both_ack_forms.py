from __future__ import annotations

from collections.abc import Callable

from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import ack, answer, receive_events


def test_code_200_with_success_and_the_python_sdks_echo_both_deliver(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()
    control.submit("zhangsan", FORM)
    started, task = receive_events(connection, 2)

    ack(connection, started)
    # dingtalk-stream's EventHandler.raw_process: the handler's code, the data echoed.
    answer(connection, task, 200, task["data"])

    assert control.stream.settle(5)
    outcomes = [d["attempts"][0]["outcome"] for d in control.stream.deliveries()]
    assert outcomes == ["SUCCESS", "code 200, data echoed"]
    assert [d["state"] for d in control.stream.deliveries()] == ["acked", "acked"]


def test_an_answer_to_an_unknown_message_changes_nothing(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()
    control.submit("zhangsan", FORM)
    started, _ = receive_events(connection, 2)

    answer(connection, {"headers": {"messageId": "not-sent"}}, 200, {"status": "SUCCESS"})
    connection.send("not json")
    ack(connection, started)

    assert [d["state"] for d in control.stream.deliveries()] in (
        ["acked", "sent"],
        ["sent", "sent"],
    )
