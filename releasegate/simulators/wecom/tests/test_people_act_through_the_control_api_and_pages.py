from __future__ import annotations

import httpx
import pytest

from releasegate.simulators.wecom.control import SimulatorRefused, WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests.conftest import VALUES


def test_the_form_takes_titles_option_texts_and_a_time(wecom_sim: WeComControl) -> None:
    sp_no = wecom_sim.submit(
        {**VALUES, "发布类型": "灰度", "发布时间": "2026-12-06T22:00", "备注": "a\nb"}
    )

    info = wecom_sim.application(sp_no)
    contents = {c["title"][0]["text"]: c["value"] for c in info["apply_data"]["contents"]}
    assert contents["发布类型"]["selector"]["options"][0]["key"] == "option-1592463391242"
    # 2026-12-06 22:00 in China is 14:00 UTC.
    assert contents["发布时间"]["date"] == {"type": "hour", "s_timestamp": "1796565600"}
    assert contents["备注"]["text"] == "a\nb"
    assert info["summary"] == ["项目名称：mall", "应用名称：order-service", "发布类型：灰度"]


def test_the_form_refuses_what_the_approval_app_would(wecom_sim: WeComControl) -> None:
    missing = wecom_sim.submit_form({"应用名称": "order-service"})
    wrong = wecom_sim.submit_form({**VALUES, "环境": "qa"})

    assert missing["state"] == wrong["state"] == "refused"
    assert "项目名称" in missing["refusal"]
    assert "prod" in wrong["refusal"]
    assert wecom_sim.applications() == []


def test_only_the_applicant_revokes_and_only_approvers_decide(wecom_sim: WeComControl) -> None:
    sp_no = wecom_sim.submit(VALUES)

    with pytest.raises(SimulatorRefused) as not_applicant:
        wecom_sim.revoke(sp_no, user="lisi")
    with pytest.raises(SimulatorRefused) as not_approver:
        wecom_sim.approve(sp_no, "zhangsan")

    assert not_applicant.value.status == not_approver.value.status == 409
    assert wecom_sim.revoke(sp_no)["sp_status"] == 4


def test_the_page_lists_applications_and_its_buttons_act(
    wecom: WeComSimulator, wecom_sim: WeComControl
) -> None:
    sp_no = wecom_sim.submit(VALUES)

    page = httpx.get(f"{wecom.url}_sim/").text
    posted = httpx.post(
        f"{wecom.url}_sim/applications/{sp_no}/refuse",
        data={"user": "lisi", "speech": "下周"},
    )

    assert sp_no in page and "驳回 as 李四" in page
    assert (posted.status_code, posted.headers["location"]) == (303, "/_sim/")
    details = wecom_sim.application(sp_no)["sp_record"][0]["details"]
    assert (details[0]["sp_status"], details[0]["speech"]) == (3, "下周")


def test_the_form_page_submits_a_plain_form_without_pickers(
    wecom: WeComSimulator, wecom_sim: WeComControl
) -> None:
    form = httpx.get(f"{wecom.url}_sim/form?user=lisi").text
    posted = httpx.post(
        f"{wecom.url}_sim/forms/submit",
        data={"user": "lisi", "form:项目名称": "mall", "form:应用名称": "order-service"},
    )

    assert "<iframe" not in form and "name='form:项目名称'" in form
    assert posted.status_code == 303
    (application,) = wecom_sim.applications()
    assert application["applyer"]["userid"] == "lisi"
