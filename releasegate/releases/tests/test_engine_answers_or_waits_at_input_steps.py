"""A build waiting at an `input` step: a `proceed` rule answers it with the approved
values (the input's defaults for the rest); otherwise the release waits in WAITING_INPUT,
the approvers are told, and someone answers in Jenkins, or nobody does within the rule's
timeout and the build is aborted."""

from __future__ import annotations

import pytest

from releasegate.config import InputRule
from releasegate.integrations.jenkins.models import PendingInput
from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.jenkins.scenario import InputSpec, ParameterSpec

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"
S = ReleaseState


def use_rule(harness: Harness, rule: InputRule) -> None:
    harness.context.options = harness.context.options.model_copy(update={"inputs": [rule]})


def waiting(harness: Harness, timeout_minutes: int = 60) -> Release:
    """The order service approved under a `wait` rule, once its build waits at the
    input step."""
    use_rule(harness, InputRule(job="mall/*", timeout_minutes=timeout_minutes))
    release = harness.approve()
    harness.until(lambda: harness.state(release) == S.WAITING_INPUT)
    return release


def test_a_proceed_rule_answers_with_the_approved_values_and_defaults(harness: Harness) -> None:
    harness.put_job(
        ORDER,
        input=InputSpec(
            message="确认发布到生产?",
            id="deploy-approval",
            parameters=[
                ParameterSpec(name="TAG", description="再次确认要发布的标签"),
                ParameterSpec(name="NOTIFY_QA", type="boolean", default=True),
            ],
        ),
    )
    use_rule(harness, InputRule(job=ORDER, input_id="Deploy-approval", action="proceed"))
    release = harness.approve()

    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    [build] = harness.sim.builds()
    assert build["input"] == {
        "state": "proceeded",
        "values": {"TAG": "v3.7.2", "NOTIFY_QA": True},
        "by": "releasegate",
    }
    answered = release.events.get(kind="input-answered")
    assert answered.details == {
        "input_id": "Deploy-approval",
        "values": {"TAG": "v3.7.2", "NOTIFY_QA": True},
    }
    assert S.WAITING_INPUT not in [state for _, state in harness.trail(release)]
    assert not Notification.objects.filter(kind="waiting_input").exists()


def test_a_rule_for_another_input_id_does_not_answer_it(harness: Harness) -> None:
    use_rule(harness, InputRule(job=ORDER, input_id="Other-input", action="proceed"))
    release = harness.approve()

    harness.until(lambda: harness.state(release) == S.WAITING_INPUT)

    assert harness.sim.builds()[0]["input"]["state"] == "waiting"


def test_by_default_it_waits_tells_the_approvers_and_goes_on_when_someone_answers(
    harness: Harness,
) -> None:
    release = waiting(harness)
    harness.run(passes=5, seconds=3)

    [told] = Notification.objects.filter(release=release, kind="waiting_input")
    assert told.recipients == ["zhangsan", "lisi", "wangwu"]
    assert "input：Deploy-approval" in told.markdown
    assert "/job/mall/job/order-service/1/" in told.markdown
    assert harness.sim.builds()[0]["input"]["state"] == "waiting"

    # Someone answers it in Jenkins (here through its REST API).
    [pending] = harness.jenkins.pending_inputs(ORDER, 1)
    harness.jenkins.proceed_input(ORDER, 1, pending, {"CONFIRM_TAG": "v3.7.2"})
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    assert harness.trail(release)[-3:] == [
        ("state", S.WAITING_INPUT),
        ("state", S.RUNNING),
        ("state", S.SUCCEEDED),
    ]
    back = release.events.get(from_state=S.WAITING_INPUT)
    assert (back.actor, back.reason) == ("jenkins", "input Deploy-approval was answered in Jenkins")
    assert harness.sim.builds()[0]["input"]["values"] == {
        "CONFIRM_TAG": "v3.7.2",
        "NOTIFY_QA": True,
    }
    assert Notification.objects.filter(kind="waiting_input").count() == 1


def test_nobody_answering_within_the_timeout_aborts_the_build(harness: Harness) -> None:
    release = waiting(harness, timeout_minutes=5)
    harness.tick(5 * 60 - 5)
    harness.run(passes=2)
    assert harness.sim.builds()[0]["input"]["state"] == "waiting"

    assert harness.state(release) == S.WAITING_INPUT

    harness.tick(10)
    harness.until(lambda: harness.state(release) == S.ABORTED)

    [build] = harness.sim.builds()
    assert (build["input"]["state"], build["result"]) == ("aborted", "ABORTED")
    assert release.result == "ABORTED"
    told = Notification.objects.get(release=release, kind="finished")
    aborted = release.events.get(kind="input-aborted")
    assert aborted.reason == "nobody answered Deploy-approval within 5 minutes"
    assert "⏹ 已中止" in told.markdown


def test_an_input_answered_by_someone_else_just_before_the_rule_does_is_no_error(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_rule(harness, InputRule(job=ORDER, input_id="Deploy-approval", action="proceed"))
    release = harness.approve()
    someone = harness.client(user="releasegate")
    read_pending = harness.jenkins.pending_inputs

    def answered_meanwhile(job: str, number: int) -> list[PendingInput]:
        pending = read_pending(job, number)
        for waiting_input in pending:  # a person in Jenkins is a moment faster
            someone.proceed_input(job, number, waiting_input, {"CONFIRM_TAG": "by hand"})
        return pending

    monkeypatch.setattr(harness.jenkins, "pending_inputs", answered_meanwhile)

    harness.until(lambda: harness.state(release) in (S.SUCCEEDED, S.ERROR))

    assert harness.state(release) == S.SUCCEEDED, release.reason
    [build] = harness.sim.builds()
    assert build["input"]["values"] == {"CONFIRM_TAG": "by hand", "NOTIFY_QA": True}


def test_an_input_answered_just_before_the_timeout_aborts_it_is_no_error(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = waiting(harness, timeout_minutes=5)
    someone = harness.client(user="releasegate")
    read_pending = harness.jenkins.pending_inputs

    def answered_meanwhile(job: str, number: int) -> list[PendingInput]:
        pending = read_pending(job, number)
        for waiting_input in pending:
            someone.proceed_input(job, number, waiting_input)
        return pending

    harness.tick(5 * 60 + 1)
    monkeypatch.setattr(harness.jenkins, "pending_inputs", answered_meanwhile)
    harness.until(lambda: harness.state(release) in (S.SUCCEEDED, S.ERROR, S.ABORTED))

    assert harness.state(release) == S.SUCCEEDED, release.reason
    assert harness.sim.builds()[0]["input"]["state"] == "proceeded"
