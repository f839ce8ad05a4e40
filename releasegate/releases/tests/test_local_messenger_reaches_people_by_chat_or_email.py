"""ReleaseGate's own approvals know people by their login. Their messenger sends through
the chat platform the configuration enables, to each person by their id there; by e-mail
(when configured) to whoever the chat did not reach; and with neither configured, the
dashboard is where people read it (nobody counts as not reached)."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence

import pytest
from django.core import mail
from pytest_django.fixtures import Settings

from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.ports import SentMessage
from releasegate.releases.local.mail import Mailbox
from releasegate.releases.local.messenger import Chat, Directory, LocalMessenger

ON_CHAT = {"zhangsan": "dt-zhangsan", "lisi": "dt-lisi", "wangwu": ""}
ADDRESSES = {"zhangsan": "zhangsan@example.com", "wangwu": "wangwu@example.com"}


class ChatMessenger:
    """A chat platform that records what it is asked to send."""

    def __init__(self, not_reached: tuple[str, ...] = (), failure: Exception | None = None):
        self.sent: list[tuple[list[str], str]] = []
        self.groups: list[str] = []
        self.not_reached = not_reached
        self.failure = failure

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage:
        if self.failure is not None:
            raise self.failure
        self.sent.append((list(user_ids), title))
        return SentMessage("task-1", not_reached=self.not_reached)

    def send_to_group(self, title: str, markdown: str, link: str = "") -> SentMessage:
        self.groups.append(title)
        return SentMessage("robot")


def directory(known: Mapping[str, str]) -> Directory:
    def look_up(logins: Sequence[str]) -> Mapping[str, str]:
        return {login: known[login] for login in logins if login in known}

    return look_up


def chat(messenger: ChatMessenger) -> Chat:
    return Chat("dingtalk", messenger, directory(ON_CHAT))


def mailbox() -> Mailbox:
    return Mailbox(directory(ADDRESSES), "ReleaseGate <rg@example.com>")


def test_each_person_is_told_on_the_chat_platform_by_their_id_there() -> None:
    messenger = ChatMessenger()

    sent = LocalMessenger(chat(messenger)).send_to_people(["zhangsan", "lisi"], "标题", "正文")

    assert messenger.sent == [(["dt-zhangsan", "dt-lisi"], "标题")]
    assert sent == SentMessage("dingtalk:task-1", not_reached=())


def test_whoever_the_chat_does_not_reach_is_mailed() -> None:
    messenger = ChatMessenger(not_reached=("dt-zhangsan",))

    sent = LocalMessenger(chat(messenger), mailbox()).send_to_people(
        ["zhangsan", "lisi", "wangwu", "zhaoliu"], "待你审批 #4", "正文"
    )

    assert messenger.sent == [(["dt-zhangsan", "dt-lisi"], "待你审批 #4")]
    assert [(m.to, m.subject, m.from_email) for m in mail.outbox] == [
        (["zhangsan@example.com"], "待你审批 #4", "ReleaseGate <rg@example.com>"),
        (["wangwu@example.com"], "待你审批 #4", "ReleaseGate <rg@example.com>"),
    ]
    # Neither the chat (no id) nor e-mail (no address) reached zhaoliu.
    assert sent == SentMessage("dingtalk:task-1 email:2", not_reached=("zhaoliu",))


def test_without_a_chat_platform_everyone_with_an_address_is_mailed() -> None:
    sent = LocalMessenger(mailbox=mailbox()).send_to_people(["wangwu", "lisi"], "标题", "正文")

    assert [m.to for m in mail.outbox] == [["wangwu@example.com"]]
    assert mail.outbox[0].body == "正文"
    assert sent == SentMessage("email:1", not_reached=("lisi",))


def test_with_neither_the_dashboard_is_the_channel() -> None:
    sent = LocalMessenger().send_to_people(["zhangsan"], "标题", "正文")

    assert sent == SentMessage("dashboard")
    assert mail.outbox == []


def test_a_mail_server_that_fails_is_tried_again_when_it_was_the_only_way(
    settings: Settings,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with pytest.raises(OutboundError) as failed:
        LocalMessenger(mailbox=mailbox()).send_to_people(["wangwu"], "标题", "正文")

    assert (failed.value.service, failed.value.permanent) == ("email", False)


def test_a_mail_failure_after_the_chat_delivered_does_not_repeat_the_chat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    messenger = ChatMessenger()

    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    sent = LocalMessenger(chat(messenger), mailbox()).send_to_people(
        ["lisi", "wangwu"], "标题", "正文"
    )

    assert messenger.sent == [(["dt-lisi"], "标题")]
    assert sent == SentMessage("dingtalk:task-1", not_reached=("wangwu",))


def test_a_chat_failure_is_the_platforms_error_for_the_outbox_to_retry() -> None:
    failure = OutboundError("rate limited", service="dingtalk", permanent=False)

    with pytest.raises(OutboundError) as failed:
        LocalMessenger(chat(ChatMessenger(failure=failure)), mailbox()).send_to_people(
            ["lisi"], "标题", "正文"
        )

    assert failed.value is failure
    assert mail.outbox == []


def test_the_group_is_the_chat_platforms_group() -> None:
    messenger = ChatMessenger()

    assert LocalMessenger(chat(messenger)).send_to_group("发布结束", "正文").reference == "robot"
    assert messenger.groups == ["发布结束"]
    with pytest.raises(ValueError):
        LocalMessenger(mailbox=mailbox()).send_to_group("发布结束", "正文")
