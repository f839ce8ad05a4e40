"""ReleaseGate's Feishu source against the simulated Feishu's API on a real socket:
starting a request as the person, reading it, deciding tasks, listing, and the awkward
parts (tokens that expire, rate limits, a start whose answer was lost)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.releases.approvals.errors import (
    ActionRefused,
    ApprovalNotFound,
    CredentialsRefused,
)
from releasegate.releases.approvals.instance import ApprovalStatus, TaskDecision
from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

DEMO = SimSettings.demo()
OPEN_ID = {person.user_id: person.open_id for person in DEMO.people}
REQUEST = ReleaseRequest(
    project="mall",
    application="mall/order-service",
    release_type="全量",
    release_time="2026-12-24 10:00",
    db_change="否",
    parameters={"TAG": "v3.8.0"},
)
App = tuple[FeishuSimulator, FeishuControl]


def source(client: FeishuClient) -> FeishuApprovals:
    return FeishuApprovals(client, DEMO.approval_code, FormMapping(), ReleaseOptions())


def test_a_request_started_as_the_person_reads_back_as_asked(feishu_client: FeishuClient) -> None:
    approvals = source(feishu_client)
    code = approvals.start(OPEN_ID["zhangsan"], REQUEST)

    instance = approvals.get_instance(code)
    assert instance.status is ApprovalStatus.PENDING
    assert instance.originator_user_id == OPEN_ID["zhangsan"]
    assert instance.request is not None
    assert (instance.request.project, instance.request.application) == (
        "mall",
        "mall/order-service",
    )
    assert instance.request.release_type == "全量"
    # 分支或标签 reads under its first name; the engine matches the job's (TAG).
    assert instance.request.parameters == {"BRANCH": "v3.8.0"}
    assert instance.request.release_time_text.startswith("2026-12-24T10:00:00")
    assert approvals.is_release_form(instance)


def test_approvers_decide_their_own_tasks_only(feishu_client: FeishuClient) -> None:
    approvals = source(feishu_client)
    code = approvals.start(OPEN_ID["zhangsan"], REQUEST)
    tasks = {t.user_id: t.task_id for t in approvals.get_instance(code).tasks}

    with pytest.raises(ActionRefused):
        approvals.act(code, tasks[OPEN_ID["lisi"]], OPEN_ID["wangwu"], Decision.APPROVE, "")
    approvals.act(code, tasks[OPEN_ID["lisi"]], OPEN_ID["lisi"], Decision.APPROVE, "可以")
    approvals.act(code, tasks[OPEN_ID["wangwu"]], OPEN_ID["wangwu"], Decision.APPROVE, "")
    with pytest.raises(ActionRefused):
        approvals.act(code, tasks[OPEN_ID["lisi"]], OPEN_ID["lisi"], Decision.REFUSE, "")

    instance = approvals.get_instance(code)
    assert instance.approved
    assert set(instance.approved_by) == {OPEN_ID["lisi"], OPEN_ID["wangwu"]}
    assert [t.remark for t in instance.tasks if t.user_id == OPEN_ID["lisi"]] == ["可以"]


def test_a_refusal_or_a_withdrawal_ends_without_approval(
    feishu_client: FeishuClient, feishu_app: App
) -> None:
    _, control = feishu_app
    approvals = source(feishu_client)
    refused = approvals.start(OPEN_ID["zhangsan"], REQUEST)
    withdrawn = approvals.start(OPEN_ID["zhangsan"], REQUEST)
    control.reject(refused, "lisi", "不行")
    control.cancel(withdrawn, "zhangsan")

    assert approvals.get_instance(refused).status is ApprovalStatus.REFUSED
    assert approvals.get_instance(withdrawn).status is ApprovalStatus.WITHDRAWN
    decisions = {t.user_id: t.decision for t in approvals.get_instance(refused).tasks}
    assert decisions[OPEN_ID["lisi"]] is TaskDecision.REFUSED


def test_the_reconcile_lists_what_started_in_the_window(
    feishu_client: FeishuClient, feishu_app: App
) -> None:
    _, control = feishu_app
    approvals = source(feishu_client)
    code = approvals.start(OPEN_ID["zhangsan"], REQUEST)
    now = datetime.fromtimestamp(control.now_ms() / 1000, tz=UTC)

    assert code in approvals.changed_since(now - timedelta(hours=1), now + timedelta(minutes=1))
    assert code not in approvals.changed_since(now - timedelta(days=3), now - timedelta(days=2))


def test_an_unknown_instance_is_not_found(feishu_client: FeishuClient) -> None:
    with pytest.raises(ApprovalNotFound):
        source(feishu_client).get_instance("NO-SUCH-INSTANCE")


def test_an_expired_token_is_fetched_again_once(
    feishu_client: FeishuClient, feishu_app: App
) -> None:
    _, control = feishu_app
    first = feishu_client.tenant_token()
    control.expire_tokens()

    source(feishu_client).changed_since(datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC))

    assert feishu_client.tenant_token() != first
    assert len(control.requests("/open-apis/auth/v3/tenant_access_token/internal")) == 2


def test_a_wrong_secret_is_refused_as_credentials(feishu_app: App) -> None:
    simulator, _ = feishu_app
    client = FeishuClient(app_id=DEMO.app_id, app_secret="wrong", api_base=simulator.url)
    with client, pytest.raises(CredentialsRefused):
        client.tenant_token()


def test_a_long_rate_limit_is_handed_back_not_slept_through(feishu_app: App) -> None:
    simulator, control = feishu_app
    slept: list[float] = []
    control.set_faults(rate_limited=1)
    client = FeishuClient(
        app_id=DEMO.app_id, app_secret=DEMO.app_secret, api_base=simulator.url, sleep=slept.append
    )
    with client:
        with pytest.raises(errors.RateLimited) as refused:
            client.get_definition(DEMO.approval_code)
        client.get_definition(DEMO.approval_code)  # the next call goes through

    # Feishu says when the limit resets (x-ogw-ratelimit-reset); a minute is for the
    # caller's backoff to wait out, not a thread of this one.
    assert refused.value.reset_seconds > 5 and not refused.value.permanent
    assert slept == []


def test_a_start_whose_answer_was_lost_is_adopted_not_made_twice(
    feishu_client: FeishuClient, feishu_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, control = feishu_app
    approvals = source(feishu_client)
    create = feishu_client.create_instance
    calls: list[str] = []

    def lose_the_first_answer(*args: object, **kwargs: object) -> str:
        code = create(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(code)
        if len(calls) == 1:
            raise errors.Unavailable("the answer was lost")
        return code

    monkeypatch.setattr(feishu_client, "create_instance", lose_the_first_answer)
    code = approvals.start(OPEN_ID["zhangsan"], REQUEST)

    assert len(control.instances()) == 1
    assert code == control.instances()[0]["instance_code"]
