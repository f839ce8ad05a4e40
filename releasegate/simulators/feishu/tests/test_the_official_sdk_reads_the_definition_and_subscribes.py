from __future__ import annotations

import json
from typing import Any

from lark_oapi.api.approval.v4 import GetApprovalRequest, SubscribeApprovalRequest

from releasegate.simulators.feishu.server import FeishuSimulator


def test_the_definition_is_active_with_the_release_form_and_an_and_node(
    feishu: FeishuSimulator, sdk: Any
) -> None:
    request = GetApprovalRequest.builder().approval_code(feishu.settings.approval_code).build()

    answer = sdk.approval.v4.approval.get(request)

    assert answer.code == 0, answer.msg
    assert answer.data.status == "ACTIVE"
    widgets = json.loads(answer.data.form)
    assert [(w["custom_id"], w["name"], w["type"]) for w in widgets][:4] == [
        ("project", "项目名称", "radioV2"),
        ("application", "应用名称", "radioV2"),
        ("release_type", "发布类型", "radioV2"),
        ("release_time", "发布时间", "date"),
    ]
    assert {w["type"] for w in widgets} == {"radioV2", "date", "input", "textarea"}
    (node,) = answer.data.node_list
    assert node.node_type == "AND"


def test_an_unknown_definition_is_not_found(feishu: FeishuSimulator, sdk: Any) -> None:
    request = GetApprovalRequest.builder().approval_code("NOT-A-CODE").build()

    assert sdk.approval.v4.approval.get(request).code == 1390002


def test_subscribing_twice_answers_subscription_existed(feishu: FeishuSimulator, sdk: Any) -> None:
    def subscribe() -> Any:
        request = (
            SubscribeApprovalRequest.builder().approval_code(feishu.settings.approval_code).build()
        )
        return sdk.approval.v4.approval.subscribe(request)

    first, second = subscribe(), subscribe()

    assert first.code == 0
    assert (second.code, second.msg) == (1390007, "subscription existed")
