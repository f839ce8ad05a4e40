from __future__ import annotations

from collections.abc import Callable

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, connected
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually


def _answers(control: DingTalkControl) -> list[str]:
    answers = [ping["answer"] for ping in control.stream.pings()]
    return answers if answers and all(answers) else []


def test_a_ping_is_answered_with_its_own_data(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    run_stream(stream_dingtalk)
    connected(stream_sim)

    stream_sim.stream.ping()

    assert eventually(lambda: _answers(stream_sim)) == ["answered"]


def test_pings_keep_a_quiet_connection_alive(
    start_dingtalk: Callable[..., DingTalkSimulator],
    run_stream: Callable[..., RunningStream],
) -> None:
    simulator = start_dingtalk(http_push=False, stream_ping_interval=0.05)
    control = DingTalkControl(simulator.url)
    running = run_stream(simulator, silence_seconds=0.5)
    connected(control)

    answered = eventually(lambda: _answers(control) if len(_answers(control)) >= 10 else [])

    assert set(answered) == {"answered"}
    assert running.client.connections_opened == 1
    control.close()
