"""ReleaseGate's real picker pages inside the (simulated) WeCom client, in Chromium: the
simulator's form page opens each external-option selector's page from ReleaseGate in an
iframe, with its stand-in JS-SDK; a person taps a project, then a project and an
application, fills the rest and submits; WeCom records ReleaseGate's option keys and
texts and ReleaseGate reads the application back in its own words. When WeCom refuses
the page's agentConfig signature (a ticket it no longer honours, a page on another
origin) the page says so and saves nothing: never a blank page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, FrameLocator, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.config import load
from releasegate.integrations.wecom.provider import provider
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.tests.browser import chromium

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]

PROJECT = "iframe[data-control='Selector-1592463391236']"
APPLICATION = "iframe[data-control='Selector-1592463391237']"
MALL = "商城 (mall)"
ORDER_SERVICE = "订单服务 (mall/order-service)"
WeCom = tuple[WeComSimulator, WeComControl]
SIGNATURE_REFUSED = "企业微信校验签名失败，请关闭后重新打开此页面"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread, which Django
    # takes for async code and refuses database work in; the test's database work is
    # synchronous (Playwright's documentation for Django says to allow it).
    with pytest.MonkeyPatch.context() as patch, chromium() as launched:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield launched


@pytest.fixture
def wecom(
    live_server: LiveServer, settings: Settings, start_wecom: Callable[..., WeComSimulator]
) -> Iterator[WeCom]:
    """WeCom whose selectors open ReleaseGate's pages, and its control API; ReleaseGate
    configured for it."""
    simulator = start_wecom(picker_url=f"{live_server.url}/wecom/picker")
    configured = load(
        {
            **DEMO_WECOM,
            "WECOM_API_BASE": simulator.url,
            "WECOM_JSSDK_URL": f"{simulator.url}jssdk/jwxwork.js",
        }
    ).wecom
    settings.CONFIG = dataclasses.replace(settings.CONFIG, wecom=configured)
    control = WeComControl(simulator.url)
    yield simulator, control
    control.close()


@pytest.fixture
def form(browser: Browser, wecom: WeCom) -> Iterator[Page]:
    """Zhangsan's release form in the simulated WeCom client."""
    simulator, _ = wecom
    page = browser.new_page()
    page.goto(f"{simulator.url}_sim/form?user=zhangsan")
    yield page
    page.close()


def tap(picker: FrameLocator, option: str) -> None:
    """Tap a choice once ReleaseGate's page has WeCom's permission to save it."""
    choice = picker.get_by_role("link", name=option, exact=True)
    expect(choice).to_be_visible()
    expect(picker.locator("body")).to_have_attribute("data-ready", "yes")
    choice.click()
    expect(picker.locator("#status")).to_have_text(f"已选择：{option}，请返回审批单")


def zh(text: str) -> dict[str, str]:
    return {"text": text, "lang": "zh_CN"}


def test_wecom_records_releasegates_keys_for_what_a_person_tapped(form: Page, wecom: WeCom) -> None:
    _, control = wecom
    tap(form.frame_locator(PROJECT), MALL)
    applications = form.frame_locator(APPLICATION)
    applications.get_by_role("link", name=MALL, exact=True).click()
    tap(applications, ORDER_SERVICE)
    form.select_option("select[name='form:发布类型']", label="全量")
    form.select_option("select[name='form:是否有数据库变更']", label="否")
    form.fill("input[name='form:分支或标签']", "v3.8.0")
    form.click("#submit")
    form.wait_for_url("**/_sim/")

    (application,) = control.applications()
    picked = {
        c["title"][0]["text"]: c["value"]["selector"]["options"]
        for c in application["apply_data"]["contents"]
        if c["control"] == "Selector"
    }
    assert picked["项目名称"] == [{"key": "project:mall", "value": [zh(MALL)]}]
    order_service = {"key": "application:mall/order-service", "value": [zh(ORDER_SERVICE)]}
    assert picked["应用名称"] == [order_service]
    wecom_source = provider(django_settings.CONFIG)
    assert wecom_source is not None
    request = wecom_source.source.get_instance(application["sp_no"]).request
    assert request is not None
    assert (request.project, request.application) == ("mall", "mall/order-service")
    assert (request.release_type, request.parameters["BRANCH"]) == ("全量", "v3.8.0")


def refused(form: Page) -> None:
    """ReleaseGate's page says WeCom refused it, still shows its choices, saves nothing."""
    picker = form.frame_locator(PROJECT)
    expect(picker.locator("#status")).to_have_text(SIGNATURE_REFUSED)
    expect(picker.get_by_role("heading")).to_have_text("选择项目")
    expect(picker.locator("body")).not_to_have_attribute("data-ready", "yes")
    picker.get_by_role("link", name=MALL, exact=True).click()
    expect(picker.locator("#status")).to_have_text("保存失败，请重试")
    expect(form.locator("input[type=hidden][name='picked:项目名称']")).to_have_value("")


def test_a_ticket_wecom_no_longer_honours_shows_the_pages_message(form: Page, wecom: WeCom) -> None:
    _, control = wecom
    # The first load has ReleaseGate fetch and cache the app's ticket.
    expect(form.frame_locator(PROJECT).locator("body")).to_have_attribute("data-ready", "yes")
    control.expire_tickets()

    form.reload()

    refused(form)


def test_a_page_on_another_origin_shows_the_pages_message(form: Page) -> None:
    frame = form.locator(PROJECT)
    address = urlsplit(str(frame.get_attribute("src")))
    other = "127.0.0.1" if address.hostname == "localhost" else "localhost"
    moved = urlunsplit(address._replace(netloc=f"{other}:{address.port}"))

    frame.evaluate("(frame, address) => { frame.src = address; }", moved)

    expect(frame).to_have_attribute("src", moved)
    refused(form)
