"""How ReleaseGate's own approvals tell people, who are known by their ReleaseGate login:
through the chat platform the configuration enables, to each person by their id there;
by e-mail to those it does not reach (when e-mail is configured); and on the dashboard
always, where every message is listed for its recipients whatever became of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.ports import Messenger, SentMessage
from releasegate.releases.local.mail import Mailbox

# Logins -> each person's id on a platform, or their address ("" or absent: none).
Directory = Callable[[Sequence[str]], Mapping[str, str]]


@dataclass(frozen=True)
class Chat:
    """A chat platform's messenger, and who each login is there."""

    name: str
    messenger: Messenger
    user_ids: Directory


class LocalMessenger:
    def __init__(self, chat: Chat | None = None, mailbox: Mailbox | None = None) -> None:
        self.chat = chat
        self.mailbox = mailbox

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage:
        """`user_ids` are logins. Those neither the chat platform nor e-mail reached are
        named (with neither configured, the dashboard is the channel: nobody is).
        Raises the chat platform's error when it failed, or an e-mail error when e-mail
        was the only way to reach anybody (the outbox tries again)."""
        logins = list(dict.fromkeys(user_ids))
        if self.chat is None and self.mailbox is None:
            return SentMessage("dashboard")
        references: list[str] = []
        unreached = logins
        if self.chat is not None:
            unreached = _through_chat(self.chat, logins, (title, markdown, link), references)
        if self.mailbox is not None and unreached:
            try:
                unmailed = self.mailbox.send(unreached, title, markdown)
            except OutboundError:
                if not references:
                    raise
                # The chat has its message: sending it again would repeat it there.
            else:
                references.append(f"email:{len(unreached) - len(unmailed)}")
                unreached = unmailed
        return SentMessage(" ".join(references), not_reached=tuple(unreached))

    def send_to_group(self, title: str, markdown: str, link: str = "") -> SentMessage:
        """The chat platform's group. Raises `ValueError` when there is none."""
        if self.chat is None:
            raise ValueError("no chat platform is configured to have a group")
        return self.chat.messenger.send_to_group(title, markdown, link)


def _through_chat(
    chat: Chat, logins: list[str], message: tuple[str, str, str], references: list[str]
) -> list[str]:
    """Send through the chat platform to those who have an id there; the logins it did
    not reach."""
    ids = chat.user_ids(logins)
    by_id = {ids[login]: login for login in logins if ids.get(login)}
    if not by_id:
        return logins
    sent = chat.messenger.send_to_people(list(by_id), *message)
    references.append(f"{chat.name}:{sent.reference}")
    missed = {by_id[user_id] for user_id in sent.not_reached if user_id in by_id}
    reached = set(by_id.values()) - missed
    return [login for login in logins if login not in reached]
