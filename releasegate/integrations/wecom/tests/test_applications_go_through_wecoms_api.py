"""ReleaseGate's WeCom source against the simulated WeCom's API on a real socket:
submitting a request as the person (its request id in the form), reading it back,
listing, the statuses that end it, and the awkward parts (expired tokens, a submit whose
answer was lost)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.approvals import WeComApprovals
from releasegate.integrations.wecom.client import WeComClient
from releasegate.releases.approvals.errors import ApprovalNotFound, CredentialsRefused
from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.settings import SimSettings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

DEMO = SimSettings.demo()
REQUEST = ReleaseRequest(
    project="mall",
    application="mall/order-service",
    release_type="全量",
    release_time="2026-12-24 10:00",
    db_change="否",
    parameters={"TAG": "v3.8.0"},
)
App = tuple[WeComSimulator, WeComControl]


def source(client: WeComClient) -> WeComApprovals:
    return WeComApprovals(client, DEMO.template_id, FormMapping(), ReleaseOptions())


def test_a_request_submitted_as_the_person_reads_back_as_asked(wecom_client: WeComClient) -> None:
    approvals = source(wecom_client)
    sp_no = approvals.start("zhangsan", REQUEST)

    instance = approvals.get_instance(sp_no)
    assert instance.status is ApprovalStatus.PENDING
    assert instance.originator_user_id == "zhangsan"
    assert instance.request is not None
    assert (instance.request.project, instance.request.application) == (
        "mall",
        "mall/order-service",
    )
    assert instance.request.release_type == "全量"
    assert instance.request.parameters == {"BRANCH": "v3.8.0"}
    assert instance.request.release_time_text == "2026-12-24 10:00"
    assert set(instance.approvers) == {"lisi", "wangwu"}
    assert approvals.is_release_form(instance)


@pytest.mark.parametrize(
    ("ending", "status", "approved"),
    [
        ("approve", ApprovalStatus.APPROVED, True),
        ("refuse", ApprovalStatus.REFUSED, False),
        ("revoke", ApprovalStatus.WITHDRAWN, False),
        ("revoke_after", ApprovalStatus.APPROVED, False),
        ("delete", ApprovalStatus.DELETED, False),
    ],
)
def test_only_an_approved_application_approves(
    wecom_client: WeComClient, wecom_app: App, ending: str, status: ApprovalStatus, approved: bool
) -> None:
    _, control = wecom_app
    approvals = source(wecom_client)
    sp_no = approvals.start("zhangsan", REQUEST)
    if ending in ("approve", "revoke_after"):
        control.approve(sp_no, "lisi", "同意")
        control.approve(sp_no, "wangwu")
    if ending == "revoke_after":
        control.revoke(sp_no, "zhangsan")
    elif ending == "refuse":
        control.refuse(sp_no, "lisi", "不发")
    elif ending == "revoke":
        control.revoke(sp_no, "zhangsan")
    elif ending == "delete":
        control.delete(sp_no)

    instance = approvals.get_instance(sp_no)
    assert (instance.status, instance.approved) == (status, approved)
    assert instance.taken_back is (ending == "revoke_after")


def test_the_reconcile_lists_the_templates_applications(
    wecom_client: WeComClient, wecom_app: App
) -> None:
    _, control = wecom_app
    approvals = source(wecom_client)
    sp_no = approvals.start("zhangsan", REQUEST)
    now = datetime.fromtimestamp(control.now_ms() / 1000, tz=UTC)

    assert sp_no in approvals.changed_since(now - timedelta(hours=1), now + timedelta(minutes=1))
    assert sp_no not in approvals.changed_since(now - timedelta(days=3), now - timedelta(days=2))


def test_an_unknown_application_is_not_found(wecom_client: WeComClient) -> None:
    with pytest.raises(ApprovalNotFound):
        source(wecom_client).get_instance("209901010001")


def test_an_expired_token_is_fetched_again(wecom_client: WeComClient, wecom_app: App) -> None:
    _, control = wecom_app
    first = wecom_client.access_token()
    control.expire_tokens()

    source(wecom_client).start("zhangsan", REQUEST)

    assert wecom_client.access_token() != first


def test_a_wrong_secret_is_refused_as_credentials(wecom_app: App) -> None:
    simulator, _ = wecom_app
    client = WeComClient(
        corp_id=DEMO.corp_id, corp_secret="wrong", agent_id=1, api_base=simulator.url
    )
    with client, pytest.raises(CredentialsRefused):
        client.access_token()


def test_a_submit_whose_answer_was_lost_is_found_not_made_twice(
    wecom_client: WeComClient, wecom_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, control = wecom_app
    apply = wecom_client.apply_event
    calls: list[str] = []

    def lose_the_first_answer(body: dict[str, object]) -> str:
        sp_no = apply(body)
        calls.append(sp_no)
        if len(calls) == 1:
            raise errors.Unavailable("the answer was lost")
        return sp_no

    monkeypatch.setattr(wecom_client, "apply_event", lose_the_first_answer)
    sp_no = source(wecom_client).start("zhangsan", REQUEST)

    assert [a["sp_no"] for a in control.applications()] == [sp_no]
    assert calls == [sp_no]
