"""Threads sharing one client fetch the token once between them, first and after DingTalk
expired it: the simulator's latency holds every thread's call in flight together, so all
of them find the token refused at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.simulators.dingtalk.control import DingTalkControl

THREADS = 8


def read_together(client: DingTalkClient, instance_id: str) -> list[str]:
    start = threading.Barrier(THREADS)

    def read(_: int) -> str:
        start.wait()
        return client.get_instance(instance_id).instance_id

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(read, range(THREADS)))


def test_threads_fetch_the_first_token_once(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit(form={"项目名称": "mall", "应用名称": "web"})
    dingtalk_sim.set_faults(latency_ms=100)

    assert read_together(dingtalk_client, instance_id) == [instance_id] * THREADS
    assert len(dingtalk_sim.requests("/v1.0/oauth2/accessToken")) == 1


def test_threads_refused_the_same_token_share_one_refresh(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit(form={"项目名称": "mall", "应用名称": "web"})
    dingtalk_client.access_token()
    dingtalk_sim.expire_tokens()
    dingtalk_sim.set_faults(latency_ms=100)

    assert read_together(dingtalk_client, instance_id) == [instance_id] * THREADS

    statuses = [r["status"] for r in dingtalk_sim.requests("/v1.0/workflow/processInstances")]
    # Normally all eight were refused together; at least two prove a shared refresh.
    assert statuses.count(200) == THREADS
    assert statuses.count(400) >= 2
    assert len(dingtalk_sim.requests("/v1.0/oauth2/accessToken")) == 2
