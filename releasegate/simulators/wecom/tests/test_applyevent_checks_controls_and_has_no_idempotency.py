from __future__ import annotations

from typing import Any

import httpx
import pytest

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.tests.conftest import DEMO
from releasegate.simulators.wecom.tests.official_sdk import SUMMARY, release_data


def body(**values: Any) -> dict[str, Any]:
    return {
        "creator_userid": "zhangsan",
        "template_id": DEMO.template_id,
        "use_template_approver": 1,
        "apply_data": release_data(**values),
        "summary_list": SUMMARY,
    }


def test_a_repeated_applyevent_makes_a_second_application(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    first = api.post("oa/applyevent", json=body()).json()
    second = api.post("oa/applyevent", json=body()).json()

    assert (first["errcode"], second["errcode"]) == (0, 0)
    assert first["sp_no"] != second["sp_no"]
    assert int(second["sp_no"]) == int(first["sp_no"]) + 1
    request_ids = [
        next(c for c in a["apply_data"]["contents"] if c["title"][0]["text"] == "发布请求编号")
        for a in wecom_sim.applications()
    ]
    assert [c["value"]["text"] for c in request_ids] == ["rg-req-1", "rg-req-1"]


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"Text-1592463398237": {"control": "Text", "value": {"text": "a\nb"}}}, "分支或标签"),
        (
            {
                "Selector-1592463391238": {
                    "control": "Selector",
                    "value": {"selector": {"type": "single", "options": [{"key": "nope"}]}},
                }
            },
            "发布类型",
        ),
        (
            {
                "Date-1592463391239": {
                    "control": "Date",
                    "value": {"date": {"type": "day", "s_timestamp": "1765000000"}},
                }
            },
            "发布时间",
        ),
        ({"Selector-1592463391237": {"control": "Text", "value": {"text": "x"}}}, "应用名称"),
        (
            {
                "Selector-1592463391236": {
                    "control": "Selector",
                    "value": {"selector": {"type": "single", "options": []}},
                }
            },
            "项目名称",
        ),
    ],
)
def test_a_bad_control_value_is_301025_naming_the_control(
    api: httpx.Client, values: dict[str, Any], named: str
) -> None:
    answer = api.post("oa/applyevent", json=body(**values)).json()

    assert answer["errcode"] == 301025
    assert named in answer["errmsg"]


def test_an_externally_sourced_selector_takes_any_key(api: httpx.Client) -> None:
    external = {
        "control": "Selector",
        "value": {"selector": {"type": "single", "options": [{"key": "proj-payments"}]}},
    }

    answer = api.post("oa/applyevent", json=body(**{"Selector-1592463391236": external}))

    assert answer.json()["errcode"] == 0


def test_a_creator_outside_the_visible_range_is_301055(api: httpx.Client) -> None:
    answer = api.post("oa/applyevent", json={**body(), "creator_userid": "stranger"}).json()

    assert answer["errcode"] == 301055


def test_the_caller_may_name_the_approvers(api: httpx.Client, wecom_sim: WeComControl) -> None:
    process = {
        "node_list": [
            {"type": 1, "apv_rel": 2, "userid": ["lisi", "wangwu"]},
            {"type": 2, "userid": ["admin"]},
        ]
    }
    answer = api.post(
        "oa/applyevent", json={**body(), "use_template_approver": 0, "process": process}
    ).json()

    sp_no = answer["sp_no"]
    wecom_sim.approve(sp_no, "wangwu")
    info = wecom_sim.application(sp_no)
    # 或签: one approval is enough; sp_record says 1 for 或签, process_list 2.
    assert info["sp_status"] == 2
    assert info["sp_record"][0]["approverattr"] == 1
    assert info["process_list"]["node_list"][0]["apv_rel"] == 2
    assert info["notifyer"] == [{"userid": "admin"}]


def test_the_listing_refuses_more_than_31_days_and_filters(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    api.post("oa/applyevent", json=body())
    wecom_sim.submit({"项目名称": "mall", "应用名称": "order-service"}, user="lisi")
    now = wecom_sim.now_ms() // 1000

    too_long = api.post(
        "oa/getapprovalinfo", json={"starttime": now - 32 * 86400, "endtime": now, "size": 10}
    ).json()
    by_lisi = api.post(
        "oa/getapprovalinfo",
        json={
            "starttime": str(now - 60),
            "endtime": str(now + 1),
            "new_cursor": "",
            "size": 100,
            "filters": [{"key": "creator", "value": "lisi"}, {"key": "sp_status", "value": "1"}],
        },
    ).json()

    assert too_long["errcode"] == 301025
    assert by_lisi["errcode"] == 0
    assert len(by_lisi["sp_no_list"]) == 1
    assert "new_next_cursor" not in by_lisi
