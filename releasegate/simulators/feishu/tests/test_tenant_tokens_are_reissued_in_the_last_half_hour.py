from __future__ import annotations

import httpx

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.tests.conftest import DEMO


def _issue(api: httpx.Client) -> dict[str, object]:
    answer = api.post(
        "auth/v3/tenant_access_token/internal",
        json={"app_id": DEMO.app_id, "app_secret": DEMO.app_secret},
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()
    return found


def _works(api: httpx.Client, token: object) -> bool:
    answer = api.get(
        f"approval/v4/approvals/{DEMO.approval_code}", headers={"Authorization": f"Bearer {token}"}
    )
    return bool(answer.json()["code"] == 0)


def test_the_same_token_comes_back_while_more_than_30_minutes_remain(
    api: httpx.Client, feishu_sim: FeishuControl
) -> None:
    first = _issue(api)
    feishu_sim.advance(5000)
    again = _issue(api)

    assert first["expire"] == 7200
    assert again["tenant_access_token"] == first["tenant_access_token"]
    assert again["expire"] in (2199, 2200)  # the real clock ticks between the calls


def test_a_new_token_comes_in_the_last_30_minutes_and_the_old_one_still_works(
    api: httpx.Client, feishu_sim: FeishuControl
) -> None:
    first = _issue(api)
    feishu_sim.advance(5500)
    renewed = _issue(api)

    assert renewed["tenant_access_token"] != first["tenant_access_token"]
    assert renewed["expire"] == 7200
    assert _works(api, first["tenant_access_token"])
    feishu_sim.advance(1700)
    assert not _works(api, first["tenant_access_token"])
    assert _works(api, renewed["tenant_access_token"])


def test_a_missing_token_is_99991661_and_an_unknown_one_99991663(api: httpx.Client) -> None:
    missing = api.get(f"approval/v4/approvals/{DEMO.approval_code}")
    unknown = api.get(
        f"approval/v4/approvals/{DEMO.approval_code}", headers={"Authorization": "Bearer t-nope"}
    )

    assert (missing.status_code, missing.json()["code"]) == (400, 99991661)
    assert (unknown.status_code, unknown.json()["code"]) == (400, 99991663)
    assert unknown.json()["error"]["log_id"]
