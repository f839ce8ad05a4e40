"""Listing instance ids: at most 20 a page, following nextToken to the last page, filtered
by status and by the start-time window."""

from __future__ import annotations

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.models import InstanceStatus
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.settings import SimSettings

PROCESS = SimSettings.demo().process_code
LIST_PATH = "/v1.0/workflow/processes/instanceIds/query"
FORM = {"项目名称": "mall", "应用名称": "web"}


def test_it_follows_next_token_through_every_page(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    start = dingtalk_sim.now_ms()
    created = [dingtalk_sim.submit(form=FORM) for _ in range(45)]

    ids = dingtalk_client.list_instance_ids(PROCESS, start - 1000)

    assert ids == created
    assert len(dingtalk_sim.requests(LIST_PATH)) == 3


def test_it_never_asks_for_more_than_twenty_a_page(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    start = dingtalk_sim.now_ms()
    created = [dingtalk_sim.submit(form=FORM) for _ in range(3)]

    ids = dingtalk_client.list_instance_ids(PROCESS, start - 1000, page_size=500)

    assert ids == created
    assert [r["status"] for r in dingtalk_sim.requests(LIST_PATH)] == [200]


def test_it_filters_by_status(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    start = dingtalk_sim.now_ms()
    running, refused, revoked = (dingtalk_sim.submit(form=FORM) for _ in range(3))
    dingtalk_sim.refuse(refused, "lisi")
    dingtalk_sim.terminate(revoked)

    def listed(*statuses: InstanceStatus) -> list[str]:
        return dingtalk_client.list_instance_ids(PROCESS, start - 1000, statuses=statuses)

    assert listed(InstanceStatus.RUNNING) == [running]
    assert listed(InstanceStatus.COMPLETED, InstanceStatus.TERMINATED) == [refused, revoked]


def test_it_lists_only_instances_started_in_the_window(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    early = dingtalk_sim.submit(form=FORM)
    dingtalk_sim.advance(3600)
    middle = dingtalk_sim.now_ms()
    late = dingtalk_sim.submit(form=FORM)

    assert dingtalk_client.list_instance_ids(PROCESS, middle - 1000) == [late]
    assert dingtalk_client.list_instance_ids(PROCESS, middle - 7_200_000, middle - 1000) == [early]
