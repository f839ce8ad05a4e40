"""Whose turn it is in a WeCom application, read from its detail (获取审批申请详情): the
approvers still 审批中 of the first approver node still 审批中, only the next one when
they approve in turn (依次), and from sp_record when there is no process_list."""

from __future__ import annotations

from typing import Any

from releasegate.integrations.wecom.approvals import whose_turn

COUNTERSIGN, ANY_ONE, IN_TURN = 1, 2, 3


def node(apv_rel: int, status: int, **people: int) -> dict[str, Any]:
    subs = [{"userid": user, "sp_yj": said} for user, said in people.items()]
    return {"node_type": 1, "sp_status": status, "apv_rel": apv_rel, "sub_node_list": subs}


def detail(*nodes: dict[str, Any], status: int = 1) -> dict[str, Any]:
    return {"sp_status": status, "process_list": {"node_list": list(nodes)}}


def test_everyone_of_the_first_open_node_who_has_not_decided() -> None:
    info = detail(node(COUNTERSIGN, 1, lisi=2, wangwu=1), node(ANY_ONE, 1, admin=1))

    assert whose_turn(info) == [(0, "wangwu")]


def test_a_decided_node_hands_the_turn_to_the_next_whatever_its_other_branches_say() -> None:
    info = detail(node(ANY_ONE, 2, lisi=2, wangwu=1), node(COUNTERSIGN, 1, admin=1))

    assert whose_turn(info) == [(1, "admin")]


def test_in_turn_only_the_next_approver() -> None:
    info = detail(node(IN_TURN, 1, lisi=1, wangwu=1))

    assert whose_turn(info) == [(0, "lisi")]


def test_cc_nodes_are_nobodys_turn() -> None:
    cc = {**node(COUNTERSIGN, 1, zhangsan=1), "node_type": 2}

    assert whose_turn(detail(cc, node(COUNTERSIGN, 1, lisi=1))) == [(1, "lisi")]


def test_a_finished_application_is_nobodys_turn() -> None:
    assert whose_turn(detail(node(COUNTERSIGN, 1, lisi=1), status=4)) == []


def test_without_a_process_list_sp_record_is_read() -> None:
    records = [
        {"sp_status": 2, "details": [{"approver": {"userid": "lisi"}, "sp_status": 2}]},
        {
            "sp_status": 1,
            "details": [
                {"approver": {"userid": "wangwu"}, "sp_status": 1},
                {"approver": {"userid": "admin"}, "sp_status": 3},
            ],
        },
    ]

    assert whose_turn({"sp_status": 1, "sp_record": records}) == [(1, "wangwu")]
