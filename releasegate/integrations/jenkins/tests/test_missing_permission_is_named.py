from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth
from releasegate.integrations.jenkins.errors import InvalidRequest, PermissionDenied
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

VIEWER = ApiTokenAuth("viewer", "viewer-demo-token")


def test_it_names_the_permission_a_read_only_user_lacks_to_trigger(
    jenkins: JenkinsSimulator, sim: SimulatorControl, connect: ConnectClient
) -> None:
    viewer = connect(jenkins, VIEWER)

    with pytest.raises(PermissionDenied) as raised:
        viewer.trigger("mall/web-frontend", {"ENV": "prod"})

    assert raised.value.required_permission == "hudson.model.Item.Build"
    assert raised.value.status == 403
    assert raised.value.permanent
    assert "hudson.model.Item.Build" in str(raised.value)
    assert sim.queue() == []


def test_it_lets_a_read_only_user_list_jobs(
    jenkins: JenkinsSimulator, connect: ConnectClient
) -> None:
    listing = connect(jenkins, VIEWER).list_jobs()

    assert len(listing.jobs) == 8


def test_it_refuses_a_read_only_user_cancelling_a_queue_item(
    jenkins: JenkinsSimulator, sim: SimulatorControl, connect: ConnectClient
) -> None:
    queued = connect(jenkins).trigger("mall/web-frontend", {"ENV": "prod"}, delay_seconds=30)

    # Jenkins answers 422 "Item for id (N) is not cancellable" without Job/Cancel (2.211+).
    with pytest.raises(InvalidRequest) as raised:
        connect(jenkins, VIEWER).cancel_queue_item(queued.queue_id)

    assert raised.value.status == 422
    assert sim.queue()[0]["cancelled"] is False
