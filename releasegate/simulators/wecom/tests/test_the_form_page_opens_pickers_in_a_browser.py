"""The picker bridge in a real browser: Playwright drives Debian's Chromium through the
simulator's form page, whose externally sourced selectors open a stand-in picker page
(picker_stub.py) that talks to the JS-SDK stand-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests.picker_stub import PickerStub
from releasegate.tests.browser import chromium

PROJECT = "iframe[data-control='Selector-1592463391236']"
APPLICATION = "iframe[data-control='Selector-1592463391237']"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def picking(
    start_wecom: Callable[..., WeComSimulator], browser: Browser
) -> Iterator[tuple[WeComSimulator, PickerStub, Page]]:
    simulator = start_wecom()
    stub = PickerStub(simulator)
    control = WeComControl(simulator.url)
    control.set_picker_url(stub.url)
    page = browser.new_page()
    yield simulator, stub, page
    page.close()
    control.close()
    stub.stop()


def test_a_person_picks_from_releasegates_pages_and_submits(
    picking: tuple[WeComSimulator, PickerStub, Page],
) -> None:
    simulator, _, page = picking
    page.goto(f"{simulator.url}_sim/form?user=zhangsan")

    for frame, option in ((PROJECT, "支付"), (APPLICATION, "网关")):
        picker = page.frame_locator(frame)
        expect(picker.locator("#status")).to_have_text("ready []")
        picker.get_by_role("button", name=option).click()
        expect(picker.locator("#status")).to_have_text("saveApprovalSelectedItems:ok")
    expect(page.locator(".picked").first).to_have_text("支付 (proj-payments)")
    page.select_option("select[name='form:发布类型']", label="灰度")
    page.click("#submit")
    page.wait_for_url(f"{simulator.url}_sim/")

    control = WeComControl(simulator.url)
    (application,) = control.applications()
    control.close()
    picked = {
        c["title"][0]["text"]: c["value"]["selector"]["options"]
        for c in application["apply_data"]["contents"]
        if c["control"] == "Selector"
    }
    assert picked["项目名称"] == [
        {"key": "proj-payments", "value": [{"text": "支付", "lang": "zh_CN"}]}
    ]
    assert picked["应用名称"][0]["key"] == "app-gateway"
    assert picked["发布类型"][0]["value"][0]["text"] == "灰度"


def test_a_picker_signed_with_the_wrong_ticket_cannot_save(
    picking: tuple[WeComSimulator, PickerStub, Page],
) -> None:
    simulator, stub, page = picking
    stub.bad_signature = True

    page.goto(f"{simulator.url}_sim/form?user=zhangsan")

    status = page.frame_locator(PROJECT).locator("#status")
    expect(status).to_have_text("agentConfig:fail invalid signature")
    expect(page.frame_locator(PROJECT).get_by_role("button")).to_have_count(0)


def test_a_picker_sent_to_another_page_must_register_again(
    picking: tuple[WeComSimulator, PickerStub, Page],
) -> None:
    simulator, stub, page = picking
    page.goto(f"{simulator.url}_sim/form?user=zhangsan")
    picker = page.frame_locator(PROJECT)
    expect(picker.locator("#status")).to_have_text("ready []")
    stub.bad_signature = True
    key = str(page.locator(PROJECT).get_attribute("data-key"))

    page.locator(PROJECT).evaluate("(frame) => { frame.src = frame.src + '&again=1'; }")
    expect(picker.locator("#status")).to_have_text("agentConfig:fail invalid signature")
    answer = picker.locator("body").evaluate(
        """(body, key) => new Promise((done) => wx.invoke("saveApprovalSelectedItems",
             {key: key, selectedData: '[{"key": "proj-payments", "value": "支付"}]'}, done))""",
        key,
    )

    assert answer["err_msg"].startswith("saveApprovalSelectedItems:fail no permission")
    expect(page.locator(".picked").first).to_have_text("")
