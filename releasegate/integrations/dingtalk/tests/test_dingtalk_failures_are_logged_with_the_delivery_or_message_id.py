"""An operator follows DingTalk's failures in the log: a delivery that could not be
checked, a message that could not be sent, an approval that could not be started and a
reconcile that could not list are each logged once, with the delivery's
or the message's id (and its release's) as fields of the JSON record, at WARNING while
they will be tried again and at ERROR when retrying cannot help; never with the app
secret."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.messages import DingTalkMessenger
from releasegate.integrations.dingtalk.tests.instances import approved_release, dingtalk_sources
from releasegate.lib.http import OutboundError
from releasegate.observability.tests.json_logs import JsonLines
from releasegate.releases import inbox, outbox
from releasegate.releases.chores import Periodic
from releasegate.releases.messages import notify
from releasegate.releases.models import Notification, NotificationState
from releasegate.releases.reconcile import reconcile
from releasegate.releases.requests import ReleaseRequest, submit
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
WRONG_SECRET = "a-wrong-dingtalk-app-secret"


def failures(lines: list[dict[str, object]], logger: str) -> list[dict[str, object]]:
    return [
        line for line in lines if line["logger"] == logger and line["level"] in ("WARNING", "ERROR")
    ]


def delivery() -> int:
    return inbox.record_delivery(
        via="event",
        event_type="bpms_instance_change",
        instance_id="inst-77",
        provider="dingtalk",
        payload={},
    ).pk


def test_a_delivery_dingtalk_could_not_answer_is_one_warning_with_its_id(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, json_lines: JsonLines
) -> None:
    event_id = delivery()
    dingtalk_sim.set_faults(server_error=5)

    outcome = inbox.process(event_id, dingtalk_sources(dingtalk_client))

    assert outcome.startswith("will retry")
    [logged] = failures(json_lines(), "releasegate.inbox")
    assert logged["level"] == "WARNING"
    assert (logged["delivery_id"], logged["approval_instance_id"]) == (event_id, "inst-77")
    assert "503" in str(logged["message"])


def test_a_delivery_with_refused_credentials_is_an_error_without_the_secret(
    dingtalk: DingTalkSimulator,
    connect_dingtalk: Callable[..., DingTalkClient],
    json_lines: JsonLines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    event_id = delivery()
    client = connect_dingtalk(dingtalk, app_secret=WRONG_SECRET)

    inbox.process(event_id, dingtalk_sources(client))

    [logged] = failures(json_lines(), "releasegate.inbox")
    assert (logged["level"], logged["delivery_id"]) == ("ERROR", event_id)
    assert WRONG_SECRET not in caplog.text


def test_a_message_dingtalk_refused_is_logged_with_its_id_and_its_release(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, json_lines: JsonLines
) -> None:
    release = approved_release()
    notify(release, "started")
    news = Notification.objects.get(kind="started")
    messengers = {"dingtalk": DingTalkMessenger(dingtalk_client, None)}
    dingtalk_sim.set_faults(server_error=5)

    outbox.deliver_due(messengers)

    [logged] = failures(json_lines(), "releasegate.outbox")
    assert logged["level"] == "WARNING"
    assert (logged["notification_id"], logged["release_id"]) == (news.pk, release.pk)
    assert "will be tried again" in str(logged["message"])


def test_a_message_given_up_is_an_error(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, json_lines: JsonLines
) -> None:
    release = approved_release()
    notify(release, "started")
    Notification.objects.update(attempts=outbox.MAX_ATTEMPTS - 1)
    dingtalk_sim.set_faults(server_error=5)

    outbox.deliver_due({"dingtalk": DingTalkMessenger(dingtalk_client, None)})

    assert Notification.objects.get().state == NotificationState.FAILED
    [logged] = failures(json_lines(), "releasegate.outbox")
    assert (logged["level"], logged["release_id"]) == ("ERROR", release.pk)
    assert "given up" in str(logged["message"])


def test_an_approval_dingtalk_would_not_start_is_one_error(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, json_lines: JsonLines
) -> None:
    order = ReleaseRequest(
        project="mall",
        application="mall/order-service",
        release_type="全量",
        parameters={"BRANCH": "v3.8.0"},
    )
    dingtalk_sim.set_faults(server_error=5)

    with pytest.raises(OutboundError):
        submit(
            order,
            originator_user_id="zhangsan",
            source=dingtalk_sources(dingtalk_client)["dingtalk"],
        )

    [logged] = [line for line in json_lines() if line["level"] in ("WARNING", "ERROR")]
    assert (logged["level"], logged["logger"]) == ("ERROR", "releasegate.requests")
    assert "zhangsan" in str(logged["message"])


def test_a_reconcile_dingtalk_could_not_answer_is_one_warning_naming_the_chore(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, json_lines: JsonLines
) -> None:
    source = dingtalk_sources(dingtalk_client)["dingtalk"]
    chore = Periodic(
        "reconcile-dingtalk",
        timedelta(minutes=5),
        lambda now: reconcile(source, now, timedelta(hours=1)),
    )
    dingtalk_sim.set_faults(server_error=5)

    assert chore(timezone.now())

    [logged] = failures(json_lines(), "releasegate.chores")
    assert (logged["level"], logged["chore"], logged["status"]) == (
        "WARNING",
        "reconcile-dingtalk",
        503,
    )
