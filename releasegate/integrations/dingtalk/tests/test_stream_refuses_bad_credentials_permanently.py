from __future__ import annotations

from collections.abc import Callable

from releasegate.integrations.dingtalk.errors import AuthenticationFailed
from releasegate.integrations.dingtalk.tests.streaming import RunningStream
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator


def test_a_wrong_app_secret_ends_the_client_with_a_permanent_error(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    running = run_stream(stream_dingtalk, app_secret="not-the-app-secret")

    assert running.join(5)
    assert isinstance(running.error, AuthenticationFailed)
    assert running.error.permanent
    assert "refused the app key or app secret" in str(running.error)
    assert "not-the-app-secret" not in str(running.error)
    opens = stream_sim.requests("/v1.0/gateway/connections/open")
    assert [r["status"] for r in opens] == [400]  # asked once, not again and again
    assert stream_sim.stream.connections() == []
