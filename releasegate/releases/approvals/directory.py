"""What an approval platform's directory (通讯录) says of one person: enough to give them
a ReleaseGate login that starts requests as them there (`releasegate user import`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DirectoryPerson:
    """One member of the organisation. `platform_id` is what the platform's approval and
    message calls name them by (DingTalk userid, Feishu open_id, WeCom userid); `email`
    is "" when the directory does not give one (or the app may not read it)."""

    platform_id: str
    name: str
    email: str = ""


class DirectoryRefused(Exception):
    """The platform would not let the app read its directory; the message names the
    permission (scope) the app lacks or the setting to fix."""
