from __future__ import annotations

import json
from typing import Any

from lark_oapi.api.approval.v4 import (
    CancelInstanceRequest,
    InstanceCancel,
    ListInstanceRequest,
)

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests import official_sdk
from releasegate.simulators.feishu.tests.conftest import FORM


def test_a_created_instance_reads_back_in_feishus_shape(feishu: FeishuSimulator, sdk: Any) -> None:
    created = official_sdk.create_instance(sdk, feishu, FORM, uuid="rg-req-1")
    assert created.code == 0, created.msg

    found = official_sdk.get_instance(sdk, created.data.instance_code)

    data = found.data
    assert (data.status, data.user_id, data.uuid) == ("PENDING", "zhangsan", "rg-req-1")
    assert data.open_id.startswith("ou_")
    assert data.end_time == "0"
    assert int(data.start_time) > 0
    assert [(t.user_id, t.status) for t in data.task_list] == [
        ("lisi", "PENDING"),
        ("wangwu", "PENDING"),
    ]
    assert [m.type for m in data.timeline] == ["START"]
    widgets = {w["custom_id"]: w for w in json.loads(data.form)}
    assert widgets["release_type"]["name"] == "发布类型"
    assert widgets["release_type"]["value"] == "全量"
    assert widgets["release_type"]["option"] == {"key": "full", "text": "全量"}
    assert widgets["ref"]["value"] == "v1.4.2"


def test_an_instance_can_be_read_by_its_request_uuid(feishu: FeishuSimulator, sdk: Any) -> None:
    created = official_sdk.create_instance(sdk, feishu, FORM, uuid="rg-req-2")

    found = official_sdk.get_instance(sdk, "rg-req-2")

    assert found.data.instance_code == created.data.instance_code


def test_instance_codes_are_listed_page_by_page(
    feishu: FeishuSimulator, feishu_sim: FeishuControl, sdk: Any
) -> None:
    codes = [official_sdk.create_instance(sdk, feishu, FORM).data.instance_code for _ in range(3)]
    now = feishu_sim.now_ms()
    seen: list[str] = []
    page_token = ""
    while True:
        builder = (
            ListInstanceRequest.builder()
            .approval_code(feishu.settings.approval_code)
            .start_time(now - 60_000)
            .end_time(now)
            .page_size(2)
        )
        if page_token:
            builder = builder.page_token(page_token)
        answer = sdk.approval.v4.instance.list(builder.build())
        assert answer.code == 0, answer.msg
        seen += answer.data.instance_code_list
        if not answer.data.has_more:
            break
        page_token = answer.data.page_token

    assert seen == codes


def test_the_originator_cancels_a_pending_instance(feishu: FeishuSimulator, sdk: Any) -> None:
    code = official_sdk.create_instance(sdk, feishu, FORM).data.instance_code
    zhangsan = feishu.settings.person("zhangsan")
    assert zhangsan is not None

    def cancel(open_id: str) -> Any:
        body = (
            InstanceCancel.builder()
            .approval_code(feishu.settings.approval_code)
            .instance_code(code)
            .user_id(open_id)
            .build()
        )
        request = CancelInstanceRequest.builder().user_id_type("open_id").request_body(body)
        return sdk.approval.v4.instance.cancel(request.build())

    lisi = feishu.settings.person("lisi")
    assert lisi is not None
    assert cancel(lisi.open_id).code == 1390001
    assert cancel(zhangsan.open_id).code == 0

    data = official_sdk.get_instance(sdk, code).data
    assert data.status == "CANCELED"
    assert [t.status for t in data.task_list] == ["DONE", "DONE"]
    assert [m.type for m in data.timeline] == ["START", "CANCEL"]
