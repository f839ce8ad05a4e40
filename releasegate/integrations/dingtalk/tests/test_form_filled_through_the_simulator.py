"""The approval form end to end over real sockets: a tester fills it in on the DingTalk
simulator, whose form calls ReleaseGate's running connector actions (API Secret, the
test settings' `test-connector-secret`). The options come from the catalog synced from
the demo Jenkins, ReleaseGate's submit check refuses a pending database change, the
corrected form starts an instance, and after both approvers agree the connector node's
call is stored as a delivery for that instance."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytest_django.live_server_helper import LiveServer

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import option_label
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.releases.models import InboundEvent
from releasegate.releases.rules import DB_CHANGE_PENDING
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "商城前端 (mall/web-frontend)",
    "发布类型": "灰度",
    "分支或标签": "release/2026.11",
    "环境": "prod",
    "是否有数据库变更": "是",
    "数据库变更是否完成": "否",
}


@pytest.fixture
def tester(
    jenkins_client: JenkinsClient,
    live_server: LiveServer,
    start_dingtalk: Callable[..., DingTalkSimulator],
) -> Iterator[DingTalkControl]:
    """The control API of a DingTalk whose form and connector node call this test's
    running ReleaseGate, with the demo Jenkins' catalog synced."""
    sync_demo(jenkins_client)
    simulator = start_dingtalk(
        connector_url=live_server.url,
        connector_auth="apisecret",
        connector_secret="test-connector-secret",
    )
    control = DingTalkControl(simulator.url)
    yield control
    control.close()


def options(form: dict[str, object], label: str) -> list[tuple[str, str]]:
    fields = form["fields"]
    assert isinstance(fields, list)
    [found] = [f for f in fields if f["label"] == label]
    return [(option["id"], option["value"]) for option in found["options"]]


def test_the_forms_options_come_from_the_catalog(tester: DingTalkControl) -> None:
    catalog = snapshot.current()
    mall = catalog.projects_by_key["mall"]

    form = tester.open_form("zhangsan")
    tester.choose(form["id"], "项目名称", "mall")
    form = tester.choose(form["id"], "应用名称", "mall/web-frontend")

    assert ("mall", "商城 (mall)") in options(form, "项目名称")
    assert [key for key, _ in options(form, "项目名称")] == [
        project.key or project.display_name for project in catalog.projects
    ]
    assert options(form, "应用名称") == [
        (app.full_name, option_label(app.display_name, app.full_name)) for app in mall.applications
    ]
    assert [value for _, value in options(form, "环境")] == ["prod", "staging"]
    assert [value for _, value in options(form, "发布类型")] == ["全量", "灰度"]
    assert form["notices"] == []
    assert all(call["ok"] for call in tester.connector_calls())


def test_a_pending_database_change_is_refused_with_releasegates_message(
    tester: DingTalkControl,
) -> None:
    form_id = tester.open_form("zhangsan")["id"]
    tester.fill(form_id, FORM)

    form = tester.submit_form(form_id)

    assert (form["state"], form["refusal"]) == ("open", DB_CHANGE_PENDING)
    assert tester.instances() == []


def test_the_corrected_form_starts_an_instance_with_the_chosen_values(
    tester: DingTalkControl,
) -> None:
    form_id = tester.open_form("zhangsan")["id"]
    tester.fill(form_id, FORM)
    tester.submit_form(form_id)

    tester.fill(form_id, {"数据库变更是否完成": "是"})
    form = tester.submit_form(form_id)

    assert form["state"] == "submitted"
    instance = tester.instance(form["instance_id"])
    values = {value["name"]: value["value"] for value in instance["formComponentValues"]}
    assert values == {**FORM, "数据库变更是否完成": "是"}
    assert instance["waiting_on"] == ["lisi"]


def test_after_both_approvers_agree_the_node_call_is_stored_for_the_instance(
    tester: DingTalkControl,
) -> None:
    form_id = tester.open_form("zhangsan")["id"]
    tester.fill(form_id, {**FORM, "数据库变更是否完成": "是"})
    instance_id = tester.submit_form(form_id)["instance_id"]
    tester.agree(instance_id, "lisi")
    assert not InboundEvent.objects.filter(via="connector").exists()

    tester.agree(instance_id, "wangwu")

    [event] = InboundEvent.objects.filter(via="connector")
    assert (event.event_type, event.instance_id) == ("connector_node", instance_id)
    assert event.payload["form"]["应用名称"] == "商城前端 (mall/web-frontend)"
    [call] = tester.connector_calls("approved")
    assert call["response"] == {
        "status": 200,
        "body": {"accepted": True, "instance_id": instance_id},
    }
