"""The page at `/_sim/`: server-rendered instances with agree/refuse/revoke buttons and a
form to submit a new approval; its plain form posts act and come back to the page."""

from __future__ import annotations

import httpx

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.conftest import FORM


def test_it_lists_an_instance_with_buttons_for_its_approver(
    api: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    page = api.get("_sim/")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert instance_id in page.text
    assert f"action='/_sim/instances/{instance_id}/agree'" in page.text
    assert "agree as 李四" in page.text and "revoke as 张三" in page.text
    assert "<script" not in page.text


def test_a_button_agrees_and_returns_to_the_page(
    api: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    answer = api.post(f"_sim/instances/{instance_id}/agree", data={"user": "lisi"})

    assert (answer.status_code, answer.headers["location"]) == (303, "/_sim/")
    assert dingtalk_sim.instance(instance_id)["waiting_on"] == ["wangwu"]


def test_the_submit_form_starts_an_instance(
    api: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    fields = {f"form:{label}": value for label, value in FORM.items()}

    answer = api.post("_sim/instances", data={"originator": "zhangsan", "form:备注": "", **fields})

    assert answer.status_code == 303
    [instance] = dingtalk_sim.instances()
    assert {v["name"]: v["value"] for v in instance["formComponentValues"]} == {**FORM, "备注": ""}
