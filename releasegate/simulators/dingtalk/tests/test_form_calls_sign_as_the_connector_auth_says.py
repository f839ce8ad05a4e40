"""The connector's 鉴权方式 decides what each call carries: API Secret's two headers, a
Basic `Authorization`, or nothing. The connector is configured on the command line or
at runtime through the control API, and its secret is never shown."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.crypto import verify_api_secret, verify_basic
from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub

AUTH_HEADERS = {"x-ddpaas-signature-timestamp", "x-ddpaas-signature", "authorization"}


def test_api_secret_signs_the_wall_clock_second_even_when_the_clock_moved(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connected.configure_connector(secret="another-secret")
    connected.advance(3 * 3600)

    connected.open_form("zhangsan")

    headers = connector.received[0].headers
    timestamp = headers["x-ddpaas-signature-timestamp"]
    assert abs(int(timestamp) - time.time()) < 5
    verify_api_secret("another-secret", timestamp, headers["x-ddpaas-signature"])


def test_basic_auth_sends_the_user_and_password(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connected.configure_connector(auth="basic", secret="dingtalk:pa:ss")

    connected.open_form("zhangsan")

    headers = connector.received[0].headers
    verify_basic(headers["authorization"], "dingtalk", "pa:ss")
    assert "x-ddpaas-signature" not in headers
    recorded = connected.connector_calls()[0]["request"]["headers"]
    assert recorded == {"Authorization": "Basic ***"}


def test_none_sends_no_credentials(connected: DingTalkControl, connector: ConnectorStub) -> None:
    connected.configure_connector(auth="none")

    connected.open_form("zhangsan")

    assert AUTH_HEADERS.isdisjoint(connector.received[0].headers)


def test_the_configuration_is_shown_without_the_secret(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    assert connected.connector() == {
        "url": connector.url,
        "auth": "apisecret",
        "secret_set": True,
        "node": "async",
        "timeout": 3.0,
    }
    assert connected.app()["connector_url"] == connector.url


def test_the_command_lines_settings_are_used(
    start_dingtalk: Callable[..., DingTalkSimulator], connector: ConnectorStub
) -> None:
    simulator = start_dingtalk(
        connector_url=connector.url,
        connector_auth="none",
        connector_node="sync",
        connector_timeout=1.5,
    )
    control = DingTalkControl(simulator.url)

    assert control.connector()["auth"] == "none"
    assert (control.connector()["node"], control.connector()["timeout"]) == ("sync", 1.5)
    control.close()


@pytest.mark.parametrize(
    "change",
    [{"auth": "oauth2"}, {"node": "sometimes"}, {"timeout": 0}, {"url": "ftp://x"}],
)
def test_an_unusable_configuration_is_refused(
    connected: DingTalkControl, change: dict[str, object]
) -> None:
    with pytest.raises(SimulatorRefused) as refused:
        connected.configure_connector(**change)

    assert refused.value.status == 400
    assert connected.connector()["auth"] == "apisecret"
