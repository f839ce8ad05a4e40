"""Messages about a request that is not (yet) a release, such as "a request awaits you",
are outbox rows without a release: delivered, retried and recorded like a release's
news."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from django.core import mail

from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.local.mail import Mailbox
from releasegate.releases.local.messenger import LocalMessenger
from releasegate.releases.models import Notification, NotificationState
from releasegate.releases.outbox import deliver_due
from releasegate.releases.tests.local_approvals import ORDER, Clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def addresses(logins: Sequence[str]) -> Mapping[str, str]:
    return {login: f"{login}@example.com" for login in logins if login != "zhaoliu"}


def test_the_approvers_are_mailed_that_a_request_awaits_them(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)
    messengers = {"local": LocalMessenger(mailbox=Mailbox(addresses, "rg@example.com"))}

    assert deliver_due(messengers, now=clock.now) == 1

    told = Notification.objects.get()
    assert (told.state, told.sent_at, told.attempts) == (NotificationState.SENT, clock.now, 1)
    assert (told.reference, told.not_reached) == ("email:2", ["zhaoliu"])
    assert [m.to for m in mail.outbox] == [["lisi@example.com"], ["wangwu@example.com"]]
    assert mail.outbox[0].subject == f"待你审批：mall/order-service 发布申请 #{instance_id}"


def test_without_the_platform_configured_the_notice_is_given_up_with_why(
    local: LocalApprovals, clock: Clock
) -> None:
    local.start("zhangsan", ORDER)

    deliver_due({}, now=clock.now)

    told = Notification.objects.get()
    assert told.state == NotificationState.FAILED
    assert told.last_error == "local is not configured to send messages"
