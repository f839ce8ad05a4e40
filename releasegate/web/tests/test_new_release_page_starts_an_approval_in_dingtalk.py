"""The "new release" page (for DingTalk editions without the connector): project →
application → the job's parameters from the catalog; the request is checked as the
form's submit check would, started in DingTalk (the simulator, over sockets) with the
logged-in person as originator, and refusals are shown next to their fields."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.integrations.dingtalk import provider
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.releases import inbox
from releasegate.releases.approvals import registry
from releasegate.releases.models import InboundEvent, Release
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]

ORDER = {
    "project": "mall",
    "application": "mall/order-service",
    "release_type": "全量",
    "param-TAG": "v3.8.0",
    "release_time": "",
    "db_change": "no",
}


@pytest.fixture
def dingtalk_for_requests(
    monkeypatch: pytest.MonkeyPatch, dingtalk_client: DingTalkClient, settings: Settings
) -> DingTalkClient:
    """ReleaseGate's shared DingTalk client is the one for the running simulator (made,
    as far as the sharing knows, for the configured settings)."""
    monkeypatch.setattr(provider._Shared, "client", dingtalk_client)
    monkeypatch.setattr(provider._Shared, "settings", settings.CONFIG.dingtalk)
    return dingtalk_client


def problems_of(page: str, field: str) -> list[str]:
    return re.findall(rf'data-testid="problem-{field}">([^<]*)<', page)


def test_it_offers_the_catalogs_projects_and_the_chosen_jobs_parameters(
    signed_in: Client,
) -> None:
    page = signed_in.get("/requests/new?project=mall&application=mall/order-service")

    html = page.content.decode()
    assert 'data-testid="request-form"' in html
    assert re.findall(r'<option value="(\w+)"[^>]*>[^<]*\(\1\)', html)[:3] == [
        "mall",
        "ops",
        "payment",
    ]
    fields = re.findall(r'data-parameter="(\w+)" data-widget="(\w+)"', html)
    assert fields == [("TAG", "select"), ("CANARY_PERCENT", "fixed")]
    types = re.search(r'data-testid="request-release-type">(.*?)</select>', html, re.S)
    assert types is not None
    assert re.findall(r'<option value="([^"]+)"', types.group(1)) == ["全量", "灰度"]


def test_the_applications_follow_the_project(signed_in: Client) -> None:
    options = signed_in.get("/requests/new/applications?project=payment").content.decode()

    assert re.findall(r'<option value="([\w/-]+)"', options) == [
        "payment/gateway",
        "payment/settlement-batch",
    ]


def test_parameters_become_selects_checkboxes_and_text_fields(
    signed_in: Client, settings: Settings
) -> None:
    form = settings.CONFIG.options.form
    mapping = form.model_copy(update={"parameters": {**form.parameters, "只演练": "DRY_RUN"}})
    options = settings.CONFIG.options.model_copy(update={"form": mapping})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)

    html = signed_in.get(
        "/requests/new/parameters?project=payment&application=payment/gateway"
    ).content.decode()

    # The Git Parameter's tags are computed by the plugin, not listed: typed in.
    assert re.findall(r'data-parameter="(\w+)" data-widget="(\w+)"', html) == [
        ("TAG", "text"),
        ("ENV", "select"),
        ("DRY_RUN", "checkbox"),
    ]
    assert 'type="checkbox" name="param-DRY_RUN"' in html
    assert "<html" not in html


def test_a_request_starts_the_approval_with_the_person_as_originator(
    signed_in: Client, dingtalk_for_requests: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    response = signed_in.post("/requests/new", ORDER)

    assert response.status_code == 302
    [instance] = dingtalk_sim.instances()
    instance_id = instance["instance_id"]
    assert response["Location"] == f"/requests/{instance_id}/"
    started = dingtalk_for_requests.get_instance(instance_id)
    assert started.originator_user_id == "zhangsan"
    assert {f.name: f.value for f in started.form} == {
        "项目名称": "商城 (mall)",
        "应用名称": "订单服务 (mall/order-service)",
        "发布类型": "全量",
        "是否有数据库变更": "否",
        "分支或标签": "v3.8.0",
    }
    result = signed_in.get(response["Location"]).content.decode()
    assert f'data-testid="instance-id">{instance_id}<' in result


def test_once_approved_the_result_page_leads_to_the_release(
    signed_in: Client, dingtalk_for_requests: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    location = signed_in.post("/requests/new", ORDER)["Location"]
    instance_id = location.strip("/").rsplit("/", 1)[-1]
    for user in ("lisi", "wangwu"):
        dingtalk_sim.agree(instance_id, user)
    inbox.record_delivery(
        via="event",
        event_type="bpms_instance_change",
        provider="dingtalk",
        instance_id=instance_id,
        payload={},
    )
    for event_id in inbox.pending():
        inbox.process(event_id, registry.sources())

    release = Release.objects.get(approval__instance_id=instance_id)
    page = signed_in.get(location).content.decode()
    assert f'href="/releases/{release.pk}/" data-testid="request-release-link"' in page


def test_a_pending_database_change_is_shown_beside_its_question(
    signed_in: Client, dingtalk_for_requests: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    response = signed_in.post(
        "/requests/new", {**ORDER, "db_change": "yes", "db_change_done": "no"}
    )

    assert response.status_code == 400
    [problem] = problems_of(response.content.decode(), "db_change")
    assert "数据库变更" in problem
    assert dingtalk_sim.instances() == []
    assert not InboundEvent.objects.exists()


def test_a_value_outside_the_choices_is_shown_beside_its_parameter(
    signed_in: Client, dingtalk_for_requests: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    response = signed_in.post("/requests/new", {**ORDER, "param-TAG": "v9.9.9"})

    html = response.content.decode()
    assert response.status_code == 400
    [problem] = problems_of(html, "param-TAG")
    assert "v9.9.9" in problem
    # What the person filled in is kept.
    assert re.search(r'<option value="mall" selected>', html)
    assert re.search(r'<option value="mall/order-service" selected>', html)
    assert re.search(r'<option value="全量" selected>', html)
    assert dingtalk_sim.instances() == []


def test_a_release_time_in_the_past_is_shown_beside_the_time(
    signed_in: Client, dingtalk_for_requests: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    response = signed_in.post("/requests/new", {**ORDER, "release_time": "2020-01-01T10:00"})

    [problem] = problems_of(response.content.decode(), "release_time")
    assert "2020-01-01 10:00" in problem
    assert dingtalk_sim.instances() == []


def test_a_missing_application_is_shown_beside_the_application(
    signed_in: Client, dingtalk_for_requests: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    response = signed_in.post("/requests/new", {**ORDER, "application": "mall/no-such-service"})

    [problem] = problems_of(response.content.decode(), "application")
    assert "mall/no-such-service" in problem


def test_a_person_without_a_dingtalk_user_id_is_told_so(
    client: Client,
    person: Callable[..., User],
    dingtalk_for_requests: DingTalkClient,
    dingtalk_sim: DingTalkControl,
) -> None:
    client.force_login(person("visitor"))
    client.cookies["django_language"] = "en"

    page = client.get("/requests/new").content.decode()
    response = client.post("/requests/new", ORDER)

    assert 'data-testid="no-platform-id"' in page
    assert "no DingTalk user id" in page
    assert response.status_code == 200
    assert dingtalk_sim.instances() == []


def test_dingtalk_refusing_the_app_is_a_message_not_an_error_page(
    signed_in: Client,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    dingtalk: DingTalkSimulator,
    connect_dingtalk: Callable[..., DingTalkClient],
) -> None:
    wrong = connect_dingtalk(dingtalk, app_secret="not-the-secret")
    monkeypatch.setattr(provider._Shared, "client", wrong)
    monkeypatch.setattr(provider._Shared, "settings", settings.CONFIG.dingtalk)

    response = signed_in.post("/requests/new", ORDER)

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'data-testid="request-problem">[^<]+<', html)
    assert "not-the-secret" not in html
