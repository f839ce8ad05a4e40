"""Nothing a caller sends, nor anything Jenkins answers, moves a call away from the
Jenkins and DingTalk addresses in the configuration. An "elsewhere" Jenkins simulator
counts every request it gets; it must get none."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client

from releasegate.config import InputRule, ReleaseOptions
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call
from releasegate.integrations.dingtalk.tests.instances import dingtalk_sources
from releasegate.releases import inbox
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"


class Elsewhere:
    def __init__(self, simulator: JenkinsSimulator) -> None:
        self.url = simulator.url
        self._control = SimulatorControl(simulator.url)

    def requests(self) -> int:
        """How many requests reached it (its control API aside)."""
        return int(self._control.requests()["total"])

    def close(self) -> None:
        self._control.close()


@pytest.fixture
def elsewhere(start_jenkins: Callable[..., JenkinsSimulator]) -> Iterator[Elsewhere]:
    other = Elsewhere(start_jenkins())
    yield other
    other.close()


def pointing_everywhere_at(address: str) -> dict[str, str]:
    return {
        "url": address,
        "callbackUrl": address,
        "api_base": address,
        "JENKINS_URL": address,
        "DINGTALK_API_BASE": address,
    }


def test_jenkins_answers_naming_another_host_are_not_followed(
    start_jenkins: Callable[..., JenkinsSimulator],
    engine_options: ReleaseOptions,
    elsewhere: Elsewhere,
) -> None:
    # Every absolute URL this Jenkins writes (the trigger's Location, build and queue
    # URLs) names the other host, as a misconfigured or hostile Jenkins could.
    jenkins = start_jenkins(root_url=elsewhere.url)
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    harness = Harness(jenkins, engine_options.model_copy(update={"inputs": [rule]}))
    try:
        release = harness.approve(form={"发布类型": "灰度"})
        harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)
        assert [build["result"] for build in harness.sim.builds(ORDER)] == ["SUCCESS"]
    finally:
        harness.close()
    assert elsewhere.requests() == 0


def test_addresses_inside_deliveries_are_never_called(
    client: Client,
    dingtalk: DingTalkSimulator,
    connect_dingtalk: Callable[..., DingTalkClient],
    elsewhere: Elsewhere,
) -> None:
    planted = pointing_everywhere_at(elsewhere.url)
    call(client, "approved", {"instance_id": elsewhere.url + "inst", "form": planted})
    push_event(client, {**planted, "processInstanceId": "inst-2", "eventId": "e-2"})

    source = dingtalk_sources(connect_dingtalk(dingtalk))
    outcomes = [inbox.process(i, source) for i in inbox.pending()]

    assert len(outcomes) == 2
    # DingTalk (the simulator at the configured address) was asked, and said no.
    assert all("does not exist in DingTalk" in outcome for outcome in outcomes), outcomes
    assert elsewhere.requests() == 0


def push_event(client: Client, fields: dict[str, str]) -> None:
    dingtalk = settings.CONFIG.dingtalk
    assert dingtalk is not None
    sender = EventCrypto(dingtalk.event_token, dingtalk.event_aes_key, dingtalk.app_key)
    timestamp = str(int(time.time() * 1000))
    encrypt = sender.encrypt(json.dumps({"EventType": "bpms_instance_change", **fields}))
    query = f"?msg_signature={sender.signature(timestamp, 'n', encrypt)}&timestamp={timestamp}"
    response = client.post(
        f"/dingtalk/events{query}&nonce=n", json.dumps({"encrypt": encrypt}), "application/json"
    )
    assert response.status_code == 200
