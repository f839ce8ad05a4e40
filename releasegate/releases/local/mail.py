"""E-mail to people by their ReleaseGate login, through Django's mail settings (EMAIL_*,
docs/configuration.md). SMTP is not HTTP, so it does not go through the HTTP seam; it is
sent from the outbox, outside any transaction, with Django's EMAIL_TIMEOUT."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping, Sequence

from django.core.mail import EmailMessage, get_connection

from releasegate.lib.http import OutboundError


class Mailbox:
    def __init__(
        self, addresses: Callable[[Sequence[str]], Mapping[str, str]], from_address: str
    ) -> None:
        self.addresses = addresses
        self.from_address = from_address

    def send(self, logins: Sequence[str], title: str, text: str) -> list[str]:
        """Mail each person who has an address, one message each (nobody sees who else
        was told); the logins without one. Raises a transient `OutboundError` when the
        mail server could not take them."""
        known = self.addresses(logins)
        to = {login: known[login] for login in logins if known.get(login)}
        messages = [
            EmailMessage(subject=title, body=text, from_email=self.from_address, to=[address])
            for address in to.values()
        ]
        if messages:
            try:
                with get_connection(fail_silently=False) as connection:
                    connection.send_messages(messages)
            except (smtplib.SMTPException, OSError) as exc:
                raise OutboundError(
                    f"the mail server did not take the message: {exc}",
                    service="email",
                    permanent=False,
                ) from None
        return [login for login in logins if login not in to]
