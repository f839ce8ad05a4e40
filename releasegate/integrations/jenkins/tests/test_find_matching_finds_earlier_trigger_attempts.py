"""After a crash between "trigger" and "record the queue id", the worker asks which
queue items and builds an earlier attempt may have created."""

from __future__ import annotations

from collections.abc import Callable

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

WEB = "mall/web-frontend"
PROD = {"BRANCH": "master", "ENV": "prod"}


def test_it_finds_queued_items_and_builds_with_equal_parameters(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    since = sim.now_ms()
    client.trigger(WEB, PROD)
    queued = client.trigger(WEB, PROD, delay_seconds=30)

    items, builds = client.find_matching(WEB, PROD, since_ms=since)

    assert [item.id for item in items] == [queued.queue_id]
    assert [build.number for build in builds] == [1]


def test_it_leaves_out_a_different_parameter_value(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    since = sim.now_ms()
    client.trigger(WEB, {**PROD, "ENV": "staging"})
    client.trigger(WEB, {**PROD, "BRANCH": "hotfix/cart-total"}, delay_seconds=30)

    assert client.find_matching(WEB, PROD, since_ms=since) == ([], [])


def test_it_leaves_out_what_started_before_the_given_time(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, PROD)
    client.trigger("ops/nightly-backup", None)
    sim.advance(10)
    since = sim.now_ms()
    client.trigger(WEB, PROD)

    items, builds = client.find_matching(WEB, PROD, since_ms=since)

    assert items == []
    assert [build.number for build in builds] == [2]


def test_it_ignores_a_job_of_the_same_name_in_another_folder(
    start_jenkins: Callable[..., JenkinsSimulator],
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    connect: ConnectClient,
) -> None:
    simulator = start_jenkins(
        {
            "jobs": [
                {"path": "shop/deploy", "parameters": [{"name": "TAG"}]},
                {"path": "legacy/shop/deploy", "parameters": [{"name": "TAG"}]},
            ]
        }
    )
    client = connect(simulator)
    since = control_of(simulator).now_ms()
    client.trigger("legacy/shop/deploy", {"TAG": "v1"}, delay_seconds=30)
    ours = client.trigger("shop/deploy", {"TAG": "v1"}, delay_seconds=30)

    items, _ = client.find_matching("shop/deploy", {"TAG": "v1"}, since_ms=since)

    assert [item.id for item in items] == [ours.queue_id]


def test_it_takes_a_password_it_cannot_see_as_equal(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    since = sim.now_ms()
    wanted = {"VERSION": "1.2.0", "DB_PASSWORD": "pw-in-flight"}
    client.trigger("payment/settlement-batch", wanted)

    _, builds = client.find_matching("payment/settlement-batch", wanted, since_ms=since)

    assert [build.number for build in builds] == [1]


def test_it_compares_booleans_as_jenkins_stores_them(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    since = sim.now_ms()
    client.trigger("payment/gateway", {"DRY_RUN": True})

    _, dry = client.find_matching("payment/gateway", {"DRY_RUN": True}, since_ms=since)
    _, real = client.find_matching("payment/gateway", {"DRY_RUN": False}, since_ms=since)

    assert ([b.number for b in dry], real) == ([1], [])
