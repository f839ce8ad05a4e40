"""HTTP event push (reference 3.2 and 3.3), checked by an independent EventCrypto receiver:
each change of an instance or a task is POSTed encrypted with the subscription's aes_key
(owner key = the app key), signed with its token, with `msg_signature`, `timestamp` and
`nonce`; the plaintext has the HTTP-push shape with an eventId."""

from __future__ import annotations

from releasegate.simulators.dingtalk.tests.conftest import DEMO, FORM, Pushing
from releasegate.simulators.dingtalk.tests.receiver import EventReceiver

ENVELOPE = {"EventType", "EventTime", "CorpId", "BizId", "eventId"}
COMMON = {"processInstanceId", "processCode", "bizCategoryId", "businessId", "title"}


def kinds(receiver: EventReceiver) -> list[tuple[str, str, str]]:
    return [(e["EventType"], e["type"], e["staffId"]) for e in receiver.events()]


def test_a_new_instance_pushes_its_start_and_the_first_task(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing

    instance_id = sim.submit("zhangsan", FORM)

    assert kinds(receiver) == [
        ("bpms_instance_change", "start", "zhangsan"),
        ("bpms_task_change", "start", "lisi"),
    ]
    start, task = receiver.events()
    assert set(start) == ENVELOPE | COMMON | {
        "type",
        "createTime",
        "businessType",
        "url",
        "staffId",
    }
    assert (start["processInstanceId"], start["CorpId"]) == (instance_id, DEMO.corp_id)
    assert start["processCode"] == DEMO.process_code
    assert set(task) == ENVELOPE | COMMON | {"type", "createTime", "taskId", "staffId"}
    assert start["eventId"] != task["eventId"]
    assert all(r.problem == "" for r in receiver.received)
    assert set(receiver.received[0].query) == {"msg_signature", "timestamp", "nonce"}


def test_agreeing_pushes_task_events_then_the_finish_with_its_result(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing
    instance_id = sim.submit("zhangsan", FORM)

    sim.agree(instance_id, "lisi", "同意")
    sim.agree(instance_id, "wangwu")

    assert kinds(receiver)[2:] == [
        ("bpms_task_change", "finish", "lisi"),
        ("bpms_task_change", "start", "wangwu"),
        ("bpms_task_change", "finish", "wangwu"),
        ("bpms_instance_change", "finish", "zhangsan"),
    ]
    lisi_done, *_, finish = receiver.events()[2:]
    assert (lisi_done["result"], lisi_done["remark"]) == ("agree", "同意")
    assert finish["result"] == "agree"
    assert finish["finishTime"] >= finish["createTime"]


def test_a_refusal_pushes_a_finish_with_refuse(pushing: Pushing, receiver: EventReceiver) -> None:
    _, sim = pushing
    instance_id = sim.submit("zhangsan", FORM)

    sim.refuse(instance_id, "lisi")

    finish = receiver.events()[-1]
    assert (finish["type"], finish["result"]) == ("finish", "refuse")


def test_a_revocation_pushes_terminate_without_a_result(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing
    instance_id = sim.submit("zhangsan", FORM)

    sim.terminate(instance_id)

    terminate = receiver.events()[-1]
    assert (terminate["EventType"], terminate["type"]) == ("bpms_instance_change", "terminate")
    assert "result" not in terminate


def test_an_or_step_pushes_cancel_to_the_other_approvers(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing
    instance_id = sim.submit(
        "zhangsan", FORM, approvers=[{"actionType": "OR", "userIds": ["lisi", "wangwu"]}]
    )

    sim.agree(instance_id, "lisi")

    assert ("bpms_task_change", "cancel", "wangwu") in kinds(receiver)


def test_an_instance_started_through_the_api_is_pushed_too(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    simulator, sim = pushing
    # Started through the API, the push is asynchronous, as DingTalk's is.
    from releasegate.integrations.dingtalk.client import DingTalkClient

    with DingTalkClient(
        app_key=DEMO.app_key,
        app_secret=DEMO.app_secret,
        api_base=simulator.url,
        verify_tls=False,
    ) as client:
        client.create_instance(DEMO.process_code, "zhangsan", list(FORM.items()))

    assert sim.settle()
    assert kinds(receiver) == [
        ("bpms_instance_change", "start", "zhangsan"),
        ("bpms_task_change", "start", "lisi"),
    ]


def test_without_an_event_url_nothing_is_pushed(pushing: Pushing, receiver: EventReceiver) -> None:
    _, sim = pushing
    sim.set_event_url(None)

    sim.submit("zhangsan", FORM)

    assert receiver.received == []
    assert {event["state"] for event in sim.events()} == {"unsubscribed"}
