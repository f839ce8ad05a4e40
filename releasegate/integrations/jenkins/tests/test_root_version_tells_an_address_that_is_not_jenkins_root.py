"""`root_version`: Jenkins' version once the address is known to be its root; otherwise
an error saying what the address is instead."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.lib.http import OutboundError, Timeouts
from releasegate.simulators.jenkins.server import JenkinsSimulator

AUTH = ApiTokenAuth("releasegate", "releasegate-demo-token")


def at(url: str) -> JenkinsClient:
    return JenkinsClient(url, AUTH, timeouts=Timeouts.uniform(5), verify_tls=False)


def test_it_reads_the_version_at_the_root(
    jenkins: JenkinsSimulator, connect: ConnectClient
) -> None:
    assert connect(jenkins).root_version() == "2.579"


def test_it_says_the_context_path_is_missing(
    start_jenkins: Callable[..., JenkinsSimulator],
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")

    with (
        at(jenkins.url.removesuffix("jenkins/")) as client,
        pytest.raises(errors.NotJenkinsRoot, match=r"is not Jenkins' root; is the context path"),
    ):
        client.root_version()


def test_it_reads_the_version_below_the_context_path(
    start_jenkins: Callable[..., JenkinsSimulator],
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")

    with at(jenkins.url) as client:
        assert client.root_version() == "2.579"


def test_it_says_a_path_inside_jenkins_is_not_its_root(jenkins: JenkinsSimulator) -> None:
    with (
        at(f"{jenkins.url}job/mall/") as client,
        pytest.raises(errors.NotJenkinsRoot, match="a page inside Jenkins"),
    ):
        client.root_version()


def test_it_says_jenkins_answers_404_below_a_wrong_path(jenkins: JenkinsSimulator) -> None:
    with (
        at(f"{jenkins.url}job/no-such-folder/") as client,
        pytest.raises(errors.NotJenkinsRoot, match=r"reaches Jenkins, but not its root \(404"),
    ):
        client.root_version()


def test_refused_credentials_are_not_an_address_problem(
    jenkins: JenkinsSimulator, connect: ConnectClient
) -> None:
    client = connect(jenkins, ApiTokenAuth("releasegate", "wrong"))

    with pytest.raises(errors.AuthenticationFailed):
        client.root_version()


def test_a_closed_port_is_a_plain_outbound_error() -> None:
    with at("http://127.0.0.1:9/") as client, pytest.raises(OutboundError) as raised:
        client.root_version()

    assert not isinstance(raised.value, errors.JenkinsError)
