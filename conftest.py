"""Fixtures shared by every test: simulators on real loopback sockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import Scenario, load_scenario, parse_scenario
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.hostile_json import register_profiles

if TYPE_CHECKING:
    from releasegate.releases.tests.engine_harness import Harness

# Hypothesis' example counts: `dev` by default, `HYPOTHESIS_PROFILE=ci` in .ci/run.
register_profiles()


def pytest_configure(config: pytest.Config) -> None:
    # Slow tests still run in `make test`; the marker lets a quick loop leave them out
    # (`pytest -m "not slow"`).
    config.addinivalue_line("markers", "slow: runs whole processes for tens of seconds")


@pytest.fixture(autouse=True)
def fresh_platforms() -> None:
    """Every test builds the approval platforms from the configuration and the shared
    clients as it finds them (a test before it may have pointed them elsewhere)."""
    from releasegate.releases.approvals import registry

    registry.rebuild()


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Every test starts with an empty cache: what a test before it cached about its own
    simulated Jenkins (the commits of a build range, say) is not this test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_login_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test client logs in from 127.0.0.1: failed logins in one test must not
    throttle the next (the throttle has its own tests)."""
    from releasegate.web import login_throttle

    monkeypatch.setattr(login_throttle, "throttle", login_throttle.LoginThrottle())


@pytest.fixture
def start_jenkins() -> Iterator[Callable[..., JenkinsSimulator]]:
    """Start a simulated Jenkins: `start_jenkins()` for the demo scenario,
    `start_jenkins(scenario)` for a Scenario, or keyword overrides of the demo's fields."""
    started: list[JenkinsSimulator] = []

    def start(
        scenario: Scenario | dict[str, Any] | None = None, **overrides: Any
    ) -> JenkinsSimulator:
        if isinstance(scenario, dict):
            scenario = parse_scenario(scenario)
        base = scenario or load_scenario("demo")
        if overrides:
            base = parse_scenario({**base.model_dump(), **overrides})
        simulator = JenkinsSimulator(base).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def jenkins(start_jenkins: Callable[..., JenkinsSimulator]) -> JenkinsSimulator:
    """The demo Jenkins, running."""
    return start_jenkins()


@pytest.fixture
def sim(jenkins: JenkinsSimulator) -> Iterator[SimulatorControl]:
    """The demo Jenkins' control API (clock, faults, recorded builds)."""
    control = SimulatorControl(jenkins.url)
    yield control
    control.close()


@pytest.fixture
def jenkins_client(jenkins: JenkinsSimulator) -> Iterator[JenkinsClient]:
    """A client for the demo Jenkins, authenticated with the API token. (Not `client`:
    that name is pytest-django's test client for our own views.)"""
    with JenkinsClient(
        jenkins.url, ApiTokenAuth(DEMO_USER, DEMO_TOKEN), timeouts=Timeouts.uniform(5)
    ) as connected:
        yield connected


@pytest.fixture
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    """The catalog synced from the demo Jenkins (in this test's database)."""
    from releasegate.catalog.sync import run_sync
    from releasegate.config import CatalogOptions

    run_sync(jenkins_client, CatalogOptions())


@pytest.fixture
def control_of() -> Iterator[Callable[[JenkinsSimulator], SimulatorControl]]:
    """`control_of(simulator)`: the `/_sim/` control API of a simulator a test started."""
    opened: list[SimulatorControl] = []

    def open_control(simulator: JenkinsSimulator) -> SimulatorControl:
        opened.append(SimulatorControl(simulator.url))
        return opened[-1]

    yield open_control
    for control in opened:
        control.close()


@pytest.fixture
def start_dingtalk() -> Iterator[Callable[..., DingTalkSimulator]]:
    """Start a simulated DingTalk: `start_dingtalk()` for the demo app, or keyword
    overrides of `SimSettings.demo()` (`event_url=...`, `robot_keywords=(...)`)."""
    started: list[DingTalkSimulator] = []

    def start(**overrides: Any) -> DingTalkSimulator:
        simulator = DingTalkSimulator(SimSettings.demo(**overrides)).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def dingtalk(start_dingtalk: Callable[..., DingTalkSimulator]) -> DingTalkSimulator:
    """The demo DingTalk app's simulator, running (no event URL: nothing is pushed)."""
    return start_dingtalk()


@pytest.fixture
def dingtalk_sim(dingtalk: DingTalkSimulator) -> Iterator[DingTalkControl]:
    """The demo DingTalk's control API (clock, approvers, events, messages, faults)."""
    control = DingTalkControl(dingtalk.url)
    yield control
    control.close()


@pytest.fixture
def connect_dingtalk() -> Iterator[Callable[..., DingTalkClient]]:
    """`connect_dingtalk(simulator, **options)`: a DingTalkClient for the simulator's
    demo app (both API bases on it), closed afterwards; `options` override the
    constructor's (`clock=`, `sleep=`, `app_secret=`, `timeouts=`...)."""
    opened: list[DingTalkClient] = []

    def open_client(simulator: DingTalkSimulator, **options: Any) -> DingTalkClient:
        settings = simulator.settings
        arguments: dict[str, Any] = {
            "app_key": settings.app_key,
            "app_secret": settings.app_secret,
            "agent_id": settings.agent_id,
            "api_base": simulator.url,
            "oapi_base": simulator.url,
            "timeouts": Timeouts.uniform(5),
            "verify_tls": False,  # plain HTTP on loopback; skips loading the CA bundle
        }
        client = DingTalkClient(**{**arguments, **options})
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def dingtalk_client(
    dingtalk: DingTalkSimulator, connect_dingtalk: Callable[..., DingTalkClient]
) -> DingTalkClient:
    """A DingTalk client for the demo app on the running simulator."""
    return connect_dingtalk(dingtalk)


@pytest.fixture
def harness_platform(harness: Harness) -> Iterator[Harness]:
    """The engine harness (where a test's conftest offers it), with its approvals an
    enabled platform: the server asks them again (a retry checks the approval holds)."""
    from releasegate.platforms.installed import PLATFORMS
    from releasegate.releases.approvals import registry
    from releasegate.releases.approvals.registry import Provider

    name = harness.approvals.provider
    registry.use({**PLATFORMS, name: lambda config: Provider(name, source=harness.approvals)})
    yield harness
    registry.use(PLATFORMS)
