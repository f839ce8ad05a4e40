from __future__ import annotations

from collections.abc import Callable

import httpx

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import DEFAULT_RATE_LIMITS
from releasegate.simulators.feishu.tests.conftest import DEMO


def test_calls_over_an_apis_budget_get_429_until_the_window_refills(
    start_feishu: Callable[..., FeishuSimulator],
) -> None:
    feishu = start_feishu(rate_limits={**DEFAULT_RATE_LIMITS, "approval.get": (3, None)})
    control = FeishuControl(feishu.url)
    with httpx.Client(base_url=feishu.url + "open-apis/") as api:
        token = api.post(
            "auth/v3/tenant_access_token/internal",
            json={"app_id": DEMO.app_id, "app_secret": DEMO.app_secret},
        ).json()["tenant_access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        path = f"approval/v4/approvals/{DEMO.approval_code}"

        answers = [api.get(path) for _ in range(4)]
        other_api = api.get("approval/v4/instances/unknown")
        control.advance(60)
        refilled = api.get(path)
    control.close()

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert limited.json()["code"] == 99991400
    assert limited.headers["x-ogw-ratelimit-limit"] == "3"
    assert 1 <= int(limited.headers["x-ogw-ratelimit-reset"]) <= 60
    assert other_api.json()["code"] == 1390003
    assert refilled.status_code == 200
