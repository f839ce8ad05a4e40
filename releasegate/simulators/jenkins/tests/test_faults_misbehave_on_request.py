"""Faults: latency, 503s, resets, timeouts and lost responses, filtered by method and
path, never applied to the control API, and counted by name."""

from __future__ import annotations

import time

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path, trigger
from releasegate.simulators.jenkins.tests.conftest import Connect


def test_it_delays_every_answer_by_the_latency(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.set_faults(latency_ms=200)

    started = time.monotonic()
    response = api.get("api/json", params={"tree": "mode"})

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_it_answers_503_without_doing_anything(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.set_faults(error_rate=1)

    response = trigger(api, "mall/order-service")

    assert response.status_code == 503
    assert response.headers["X-Jenkins"] == "2.579"
    assert sim.queue() == []


def test_it_resets_the_connection(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.set_faults(reset_rate=1)

    with pytest.raises(httpx.ReadError):
        trigger(api, "mall/order-service")
    assert sim.queue() == []


def test_it_holds_the_connection_then_closes_it_unanswered(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    sim.set_faults(timeout_rate=1, timeout_seconds=0.5)

    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        trigger(api, "mall/order-service")

    assert time.monotonic() - started >= 0.5
    assert sim.queue() == []


def test_it_lets_a_client_with_a_shorter_timeout_give_up_first(
    jenkins: JenkinsSimulator, connect: Connect, sim: SimulatorControl
) -> None:
    sim.set_faults(timeout_rate=1, timeout_seconds=0.5)

    with pytest.raises(httpx.ReadTimeout):
        connect(jenkins, timeout=0.1).get("api/json")


def test_it_loses_the_answer_of_a_trigger_that_took_effect(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    sim.set_faults(lost_response_rate=1)

    with pytest.raises(httpx.RemoteProtocolError):
        trigger(api, "mall/order-service")

    [item] = sim.queue()
    assert item["job"] == "mall/order-service"
    assert [build["number"] for build in sim.builds("mall/order-service")] == [1]


def test_it_applies_faults_only_to_the_methods_named(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    sim.set_faults(error_rate=1, methods=["POST"])

    assert api.get("api/json").status_code == 200
    assert trigger(api, "mall/order-service").status_code == 503


def test_it_applies_faults_only_to_the_paths_named(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    sim.set_faults(error_rate=1, paths=["/queue/"])

    item = trigger(api, "mall/order-service")

    assert item.status_code == 201
    assert api.get(item.headers["Location"] + "api/json").status_code == 503
    assert api.get(f"{job_path('mall/order-service')}api/json").status_code == 200


def test_it_never_applies_faults_to_the_control_api(sim: SimulatorControl) -> None:
    sim.set_faults(error_rate=1, reset_rate=0, latency_ms=0)

    assert sim.advance(1) > 0
    assert sim.builds() == []
    assert sim.set_faults()["error_rate"] == 0


def test_it_counts_requests_and_faults(api: httpx.Client, sim: SimulatorControl) -> None:
    api.get("api/json")
    sim.set_faults(error_rate=1)
    api.get("api/json")
    api.get("queue/api/json")

    assert sim.requests() == {"total": 3, "faults": 2, "by_fault": {"error": 2}}
    sim.reset_requests()
    assert sim.requests() == {"total": 0, "faults": 0, "by_fault": {}}


def test_it_counts_each_fault_under_its_name(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.set_faults(error_rate=1)
    trigger(api, "mall/order-service")
    sim.set_faults(lost_response_rate=1)
    with pytest.raises(httpx.RemoteProtocolError):
        trigger(api, "mall/web-frontend")

    assert sim.requests()["by_fault"] == {"error": 1, "lost": 1}
    # A lost response still did the work: the build is queued.
    assert [item["job"] for item in sim.queue()] == ["mall/web-frontend"]


def test_it_refuses_an_impossible_fault_rate(sim: SimulatorControl) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        sim.set_faults(error_rate=2)

    assert refused.value.response.status_code == 400
