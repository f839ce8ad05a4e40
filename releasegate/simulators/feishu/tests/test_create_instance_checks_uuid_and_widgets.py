from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from releasegate.simulators.feishu.tests.conftest import DEMO, FORM


def _create(tenant: httpx.Client, form: Any, **body: Any) -> httpx.Response:
    payload = {"approval_code": DEMO.approval_code, "user_id": "zhangsan", "form": form, **body}
    return tenant.post("approval/v4/instances", json=payload)


def test_a_repeated_uuid_is_refused_with_60012(tenant: httpx.Client) -> None:
    first = _create(tenant, json.dumps(FORM), uuid="rg-7")
    again = _create(tenant, json.dumps(FORM), uuid="rg-7")

    assert first.json()["code"] == 0
    assert (again.status_code, again.json()["code"]) == (400, 60012)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"id": "nope", "type": "input", "value": "x"}, "控件=nope"),
        ({"id": "release_type", "type": "radioV2", "value": "weekly"}, "发布类型"),
        ({"id": "release_time", "type": "date", "value": "tomorrow"}, "发布时间"),
        ({"id": "ref", "type": "textarea", "value": "v1"}, "分支或标签"),
    ],
)
def test_a_bad_widget_is_refused_with_1390001_naming_it(
    tenant: httpx.Client, change: dict[str, str], named: str
) -> None:
    answer = _create(tenant, json.dumps([*FORM, change]))

    assert (answer.status_code, answer.json()["code"]) == (400, 1390001)
    assert named in answer.json()["msg"]


def test_a_missing_required_widget_and_a_form_that_is_no_string_are_refused(
    tenant: httpx.Client,
) -> None:
    without_project = _create(tenant, json.dumps(FORM[1:]))
    not_a_string = _create(tenant, FORM)

    assert without_project.json()["code"] == 1390001
    assert "项目名称" in without_project.json()["msg"]
    assert not_a_string.json()["code"] == 1390001


def test_the_originator_may_be_given_by_open_id(tenant: httpx.Client) -> None:
    wangwu = DEMO.person("wangwu")
    assert wangwu is not None
    payload = {
        "approval_code": DEMO.approval_code,
        "open_id": wangwu.open_id,
        "form": json.dumps(FORM),
    }

    code = tenant.post("approval/v4/instances", json=payload).json()["data"]["instance_code"]

    assert tenant.get(f"approval/v4/instances/{code}").json()["data"]["user_id"] == "wangwu"
