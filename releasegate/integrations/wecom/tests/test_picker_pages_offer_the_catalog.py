"""The picker pages WeCom opens for the template's external-option selectors: the
catalog's projects, a project's applications, an application's parameter choices, each
choice carrying ReleaseGate's option key; agentConfig signed as the JS-SDK checks it;
readable answers, never a blank page, for an unknown project or a WeCom that cannot be
reached."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.config import WeComSettings
from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.client import WeComClient
from releasegate.integrations.wecom.picker import agent_config_signature

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"


@pytest.fixture
def ticket(monkeypatch: pytest.MonkeyPatch, wecom: WeComSettings) -> Callable[[], str]:
    """The app's jsapi ticket, without asking WeCom (the wire is tested with the simulator)."""

    def answer() -> str:
        return TICKET

    monkeypatch.setattr(WeComClient, "agent_ticket", lambda self: answer())
    return answer


def keys(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-key="([^"]+)" data-value="([^"]+)"', page))


def test_the_signature_is_the_js_sdks() -> None:
    # The JS-SDK documentation's own example (使用权限签名算法).
    found = agent_config_signature(
        TICKET, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"
    )

    assert found == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_projects_then_applications_then_choices(client: Client, ticket: Callable[[], str]) -> None:
    projects = client.get("/wecom/picker/projects", {"selectorType": "single", "key": "k1"})
    applications = client.get("/wecom/picker/applications", {"key": "k2", "project": "mall"})
    tags = client.get(
        "/wecom/picker/choices/TAG",
        {"key": "k3", "project": "mall", "application": "mall/order-service"},
    )

    assert projects.status_code == 200
    assert keys(projects.content.decode())["project:mall"] == "商城 (mall)"
    assert (
        keys(applications.content.decode())["application:mall/order-service"]
        == "订单服务 (mall/order-service)"
    )
    assert list(keys(tags.content.decode())) == [
        "choice:TAG:v3.8.0",
        "choice:TAG:v3.7.2",
        "choice:TAG:v3.7.1",
    ]


def test_the_page_is_signed_for_its_own_address(client: Client, ticket: Callable[[], str]) -> None:
    page = client.get("/wecom/picker/projects?selectorType=single&key=k1").content.decode()

    config = re.search(r'"timestamp": (\d+), "nonceStr": "(\w+)", "signature": "(\w+)"', page)
    assert config is not None
    timestamp, nonce, signature = config.groups()
    url = "http://testserver/wecom/picker/projects?selectorType=single&key=k1"
    assert signature == agent_config_signature(TICKET, nonce, int(timestamp), url)
    assert "open.work.weixin.qq.com/wwopen/js/jwxwork-1.0.0.js" in page


def test_an_unknown_project_is_said(client: Client, ticket: Callable[[], str]) -> None:
    answer = client.get("/wecom/picker/applications", {"key": "k", "project": "nope"})

    assert answer.status_code == 404
    assert "项目 nope 不存在或未开放发布" in answer.content.decode()


def test_a_wecom_that_cannot_be_reached_is_said(
    client: Client, wecom: WeComSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(self: WeComClient) -> str:
        raise errors.Unavailable("WeCom did not answer")

    monkeypatch.setattr(WeComClient, "agent_ticket", unreachable)
    answer = client.get("/wecom/picker/projects", {"key": "k"})

    assert answer.status_code == 503
    assert "暂时无法连接企业微信" in answer.content.decode()


def test_with_a_token_only_addresses_carrying_it_are_answered(
    client: Client, settings: Settings, wecom: WeComSettings, ticket: Callable[[], str]
) -> None:
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG, wecom=dataclasses.replace(wecom, picker_token="picker-token-1")
    )

    refused = client.get("/wecom/picker/projects", {"key": "k", "t": "guess"})
    answered = client.get("/wecom/picker/applications", {"key": "k", "t": "picker-token-1"})

    assert refused.status_code == 403 and "project:mall" not in refused.content.decode()
    assert answered.status_code == 200
    # The next step keeps the token (and the selector's key) in its address.
    assert "t=picker-token-1" in answered.content.decode() and "key=k" in answered.content.decode()
