"""The official SDK's `workflow_1_0` ListProcessInstanceIds (`instanceIds/query`) against
the simulator. The SDK declares the request's `nextToken` a number and the answer's a
string, so a caller turns one into the other between pages, as ReleaseGate's client does."""

from __future__ import annotations

from typing import Any

from alibabacloud_dingtalk.workflow_1_0 import models as workflow_models

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.conftest import FORM


def _page(simulator: DingTalkSimulator, token: str, start_ms: int, **fields: Any) -> Any:
    return (
        official_sdk.workflow(simulator)
        .list_process_instance_ids_with_options(
            workflow_models.ListProcessInstanceIdsRequest(
                process_code=simulator.settings.process_code, start_time=start_ms, **fields
            ),
            workflow_models.ListProcessInstanceIdsHeaders(x_acs_dingtalk_access_token=token),
            official_sdk.RUNTIME,
        )
        .body
    )


def test_it_follows_next_token_to_the_last_page(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    start = dingtalk_sim.now_ms() - 1000
    created = [dingtalk_sim.submit("zhangsan", FORM) for _ in range(5)]

    pages = [_page(dingtalk, sdk_token, start, max_results=2, next_token=0)]
    while pages[-1].result.next_token is not None:
        following = int(pages[-1].result.next_token)
        pages.append(_page(dingtalk, sdk_token, start, max_results=2, next_token=following))

    assert [page.result.list for page in pages] == [created[0:2], created[2:4], created[4:]]
    assert all(page.success is True for page in pages)
    assert [official_sdk.undeclared(page) for page in pages] == [[], [], []]


def test_it_lists_only_the_statuses_asked_for(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    start = dingtalk_sim.now_ms() - 1000
    dingtalk_sim.submit("zhangsan", FORM)
    approved = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.agree(approved, "lisi")
    dingtalk_sim.agree(approved, "wangwu")

    found = _page(dingtalk, sdk_token, start, statuses=["COMPLETED"], max_results=20)

    assert found.result.list == [approved]
    assert found.result.next_token is None
