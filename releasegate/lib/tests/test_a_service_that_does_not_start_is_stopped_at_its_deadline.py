from __future__ import annotations

import time

import pytest

from releasegate.lib.process import ServiceProcess

# `releasegate manage shell -c …` runs Python and prints no URL: a service that hangs.
SILENT_FOR_A_MINUTE = ["manage", "shell", "-c", "import time; time.sleep(60)"]


def test_a_service_that_never_says_where_it_serves_is_killed_at_the_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="did not start within 3 s") as raised:
        ServiceProcess(SILENT_FOR_A_MINUTE, ready_within=3)

    assert time.monotonic() - started < 20
    assert "manage shell" in str(raised.value)


def test_a_service_started_without_waiting_is_waited_for_later_and_stopped() -> None:
    service = ServiceProcess(SILENT_FOR_A_MINUTE, ready_within=3, wait_ready=False)
    assert service.process.poll() is None

    with pytest.raises(RuntimeError, match="did not start within 3 s"):
        service.wait_ready()

    assert service.process.poll() is not None


def test_a_service_that_exits_at_once_is_said_to_have_exited() -> None:
    with pytest.raises(RuntimeError, match="exited before it was ready"):
        ServiceProcess(["no-such-command"], ready_within=30)
