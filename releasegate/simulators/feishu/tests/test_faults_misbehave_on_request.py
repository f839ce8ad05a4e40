from __future__ import annotations

import httpx

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.tests.conftest import DEMO

PATH = f"approval/v4/approvals/{DEMO.approval_code}"


def test_counted_faults_answer_the_next_calls_then_stop(
    tenant: httpx.Client, feishu_sim: FeishuControl
) -> None:
    feishu_sim.set_faults(server_error=1, invalid_token=1, rate_limited=1)

    answers = [tenant.get(PATH) for _ in range(4)]

    assert [a.status_code for a in answers] == [503, 400, 429, 200]
    assert answers[1].json()["code"] == 99991663
    assert answers[2].json()["code"] == 99991400
    assert answers[2].headers["x-ogw-ratelimit-reset"] == "60"
    assert [r["fault"] for r in feishu_sim.requests()][-4:] == [
        "server_error",
        "invalid_token",
        "rate_limited",
        "",
    ]


def test_expiring_tokens_refuses_the_one_in_use(
    tenant: httpx.Client, feishu_sim: FeishuControl
) -> None:
    feishu_sim.expire_tokens()

    assert tenant.get(PATH).json()["code"] == 99991663


def test_the_plan_left_counts_down_as_calls_hit_it(
    tenant: httpx.Client, feishu_sim: FeishuControl
) -> None:
    feishu_sim.set_faults(server_error=2, rate_limited=1)

    tenant.get(PATH)

    assert feishu_sim.faults() | {"latency_ms": 0} == {
        "server_error": 1,
        "invalid_token": 0,
        "rate_limited": 1,
        "latency_ms": 0,
    }
