from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.integrations.jenkins.errors import UnexpectedResponse
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.simulators.jenkins.server import JenkinsSimulator


def test_it_reads_the_version_jenkins_announces(client: JenkinsClient) -> None:
    assert client.server_version() == "2.579"
    assert client.version == "2.579"


def test_it_reads_another_version(
    start_jenkins: Callable[..., JenkinsSimulator], connect: ConnectClient
) -> None:
    client = connect(start_jenkins(jenkins_version="2.601.1"))

    assert client.server_version() == "2.601.1"


def test_it_raises_unexpected_response_for_a_server_that_is_not_jenkins() -> None:
    not_jenkins = httpx.MockTransport(lambda request: httpx.Response(200, json={"mode": "x"}))
    auth = ApiTokenAuth("releasegate", "releasegate-demo-token")

    with (
        JenkinsClient("http://example.com/", auth, transport=not_jenkins) as client,
        pytest.raises(UnexpectedResponse, match="did not identify itself as Jenkins"),
    ):
        client.server_version()
