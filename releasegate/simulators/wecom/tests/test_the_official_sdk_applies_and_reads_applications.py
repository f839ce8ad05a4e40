from __future__ import annotations

from typing import Any

import pytest
from wechatpy.exceptions import WeChatClientException

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.tests.conftest import DEMO
from releasegate.simulators.wecom.tests.official_sdk import SUMMARY, release_data


def apply(sdk: Any, creator: str = "zhangsan", **values: Any) -> str:
    answer = sdk.OA.apply_event(creator, DEMO.template_id, 1, None, release_data(**values), SUMMARY)
    assert answer["errcode"] == 0, answer
    return str(answer["sp_no"])


def test_an_application_reads_back_in_wecoms_shape(sdk: Any) -> None:
    sp_no = apply(sdk)

    info = sdk.OA.get_approval_detail(sp_no)["info"]

    assert len(sp_no) == 12 and sp_no.endswith("0001")
    assert (info["sp_status"], info["template_id"], info["sp_name"]) == (
        1,
        DEMO.template_id,
        "发布审批",
    )
    assert info["applyer"] == {"userid": "zhangsan", "partyid": "2"}
    # sp_record: 2 = 会签; process_list: 1 = 会签 (the same doc numbers them oppositely).
    (record,) = info["sp_record"]
    assert (record["sp_status"], record["approverattr"]) == (1, 2)
    assert [d["approver"]["userid"] for d in record["details"]] == ["lisi", "wangwu"]
    (node,) = info["process_list"]["node_list"]
    assert (node["node_type"], node["sp_status"], node["apv_rel"]) == (1, 1, 1)
    assert [(s["userid"], s["sp_yj"], s["sptime"]) for s in node["sub_node_list"]] == [
        ("lisi", 1, 0),
        ("wangwu", 1, 0),
    ]
    contents = {c["title"][0]["text"]: c for c in info["apply_data"]["contents"]}
    assert contents["项目名称"]["value"]["selector"]["options"] == [
        {"key": "mall", "value": [{"text": "mall", "lang": "zh_CN"}]}
    ]
    assert contents["发布类型"]["value"]["selector"]["options"][0]["value"][0]["text"] == "全量"
    assert contents["发布请求编号"]["value"]["text"] == "rg-req-1"
    assert contents["备注"]["value"]["text"] == ""


def test_both_approvers_must_agree(sdk: Any, wecom_sim: WeComControl) -> None:
    sp_no = apply(sdk)

    after_one = wecom_sim.approve(sp_no, "lisi", "ok")
    wecom_sim.approve(sp_no, "wangwu")
    info = sdk.OA.get_approval_detail(sp_no)["info"]

    assert (after_one["sp_status"], after_one["waiting_on"]) == (1, ["wangwu"])
    assert info["sp_status"] == 2
    assert [d["sp_status"] for d in info["sp_record"][0]["details"]] == [2, 2]
    assert info["sp_record"][0]["details"][0]["speech"] == "ok"
    assert info["process_list"]["node_list"][0]["sp_status"] == 2


def test_one_refusal_refuses_the_application(sdk: Any, wecom_sim: WeComControl) -> None:
    sp_no = apply(sdk)

    wecom_sim.refuse(sp_no, "wangwu", "not today")

    info = sdk.OA.get_approval_detail(sp_no)["info"]
    assert info["sp_status"] == 3
    assert [d["sp_status"] for d in info["sp_record"][0]["details"]] == [1, 3]


def test_an_unknown_sp_no_is_301025(sdk: Any) -> None:
    with pytest.raises(WeChatClientException) as refused:
        sdk.OA.get_approval_detail("209901010001")

    assert refused.value.errcode == 301025


def test_sp_numbers_are_listed_page_by_page(sdk: Any, wecom_sim: WeComControl) -> None:
    numbers = [apply(sdk) for _ in range(3)]
    now = wecom_sim.now_ms() // 1000
    seen: list[str] = []
    cursor = 0
    while True:
        answer = sdk.OA.get_approval_info(now - 60, now + 1, cursor, size=2)
        seen += answer["sp_no_list"]
        if "next_cursor" not in answer:
            break
        cursor = answer["next_cursor"]

    assert seen == numbers
