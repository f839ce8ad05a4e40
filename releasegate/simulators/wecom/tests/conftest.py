"""Fixtures for the WeCom simulator's own tests: the simulator on real loopback sockets,
reached with plain httpx or with wechatpy (official_sdk.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.settings import SimSettings
from releasegate.simulators.wecom.tests import official_sdk
from releasegate.simulators.wecom.tests.receiver import CallbackReceiver

DEMO = SimSettings.demo()
# The release form by title, as the control API's submit takes it.
VALUES = {"项目名称": "mall", "应用名称": "order-service", "发布类型": "全量"}


@pytest.fixture
def start_wecom() -> Iterator[Callable[..., WeComSimulator]]:
    """Start a simulated WeCom: `start_wecom()` for the demo corp, or keyword overrides
    of `SimSettings.demo()` (`callback_url=...`, `rate_limits={...}`)."""
    started: list[WeComSimulator] = []

    def start(**overrides: Any) -> WeComSimulator:
        simulator = WeComSimulator(SimSettings.demo(**overrides)).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def wecom(start_wecom: Callable[..., WeComSimulator]) -> WeComSimulator:
    """The demo corp's simulator, running (no callback URL: nothing is called back)."""
    return start_wecom()


@pytest.fixture
def wecom_sim(wecom: WeComSimulator) -> Iterator[WeComControl]:
    control = WeComControl(wecom.url)
    yield control
    control.close()


@pytest.fixture
def api(wecom: WeComSimulator) -> Iterator[httpx.Client]:
    """A plain client for the demo corp with a valid `access_token` query parameter."""
    with httpx.Client(base_url=wecom.url + "cgi-bin/", timeout=5) as client:
        answer = client.get(
            "gettoken", params={"corpid": DEMO.corp_id, "corpsecret": DEMO.corp_secret}
        )
        client.params = {"access_token": answer.json()["access_token"]}
        yield client


@pytest.fixture
def sdk(wecom: WeComSimulator) -> Any:
    """wechatpy's WeChatClient for the demo app, pointed at `wecom`."""
    return official_sdk.client(wecom)


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """A callback URL that decrypts with wechatpy, as the demo app's."""
    found = CallbackReceiver(DEMO.callback_token, DEMO.encoding_aes_key, DEMO.corp_id)
    yield found
    found.stop()


Calling = tuple[WeComSimulator, WeComControl]


@pytest.fixture
def calling(
    start_wecom: Callable[..., WeComSimulator], receiver: CallbackReceiver
) -> Iterator[Calling]:
    """A demo WeCom that calls back `receiver`, and its control API."""
    simulator = start_wecom(callback_url=receiver.url)
    control = WeComControl(simulator.url)
    yield simulator, control
    control.close()
