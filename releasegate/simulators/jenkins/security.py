"""Who is calling and what they may do: Basic auth with API tokens or passwords, HTTP
sessions, CSRF crumbs and permission refusals, as Jenkins answers them.

Sources: jenkins.security.BasicHeaderProcessor (401 for bad credentials),
hudson.security.AccessDeniedException3 (403 and its X-* headers),
hudson.security.csrf.DefaultCrumbIssuer (crumbs bound to user and session, SECURITY-626)
and jenkins.security.ApiCrumbExclusion (API-token requests need no crumb).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from releasegate.simulators.jenkins.responses import JenkinsFailure, Request, login_required
from releasegate.simulators.jenkins.scenario import UserSpec

PERMISSIONS = {
    "read": "hudson.model.Hudson.Read",
    "build": "hudson.model.Item.Build",
    "cancel": "hudson.model.Item.Cancel",
}
PERMISSION_TITLES = {"read": "Overall/Read", "build": "Job/Build", "cancel": "Job/Cancel"}
GROUP_HEADER_NOTE = (
    "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true "
    "or use /whoAmI to diagnose"
)
CRUMB_FIELD = "Jenkins-Crumb"
SESSION_COOKIE = "JSESSIONID.5e8d2c1b"


@dataclass
class Caller:
    user: UserSpec | None
    # How the caller proved who it is; API tokens are exempt from CSRF crumbs.
    via: Literal["token", "password", "session", "anonymous"]
    session: str | None = None

    @property
    def name(self) -> str:
        return self.user.name if self.user else "anonymous"

    def may(self, permission: str, item: str | None = None) -> bool:
        """Whether the caller holds `permission` on Jenkins itself or, given its full
        name, on a job or folder ("read" there is Job/Read)."""
        if self.user is None:
            return False
        granted = self.user.permissions_on(item)
        return "admin" in granted or permission in granted


class Security:
    def __init__(self, users: dict[str, UserSpec], csrf: bool) -> None:
        self.users = users
        self.csrf = csrf
        self.sessions: dict[str, str] = {}
        self._salt = secrets.token_hex(16)

    def authenticate(self, request: Request) -> Caller:
        """The caller; raises 401 for credentials that do not match."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                user_name, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, binascii.Error):
                raise JenkinsFailure(401, "Invalid authorization header") from None
            user = self.users.get(user_name)
            if user is not None and user.token and secrets.compare_digest(secret, user.token):
                return Caller(user, "token", self._session(request))
            if user is not None and user.password and secrets.compare_digest(secret, user.password):
                return Caller(user, "password", self._session(request))
            raise JenkinsFailure(
                401,
                f"Invalid password/token for user: {user_name}",
                headers={"WWW-Authenticate": 'Basic realm="Jenkins"'},
            )
        session = self._session(request)
        if session is not None:
            return Caller(self.users.get(self.sessions[session]), "session", session)
        return Caller(None, "anonymous")

    def _session(self, request: Request) -> str | None:
        session = request.cookies.get(SESSION_COOKIE)
        return session if session in self.sessions else None

    def _crumb(self, user: str, session: str) -> str:
        # DefaultCrumbIssuer hashes the user name and the HTTP session id (SECURITY-626).
        return hashlib.sha256(f"{self._salt}{user};{session}".encode()).hexdigest()

    def check_crumb(self, request: Request, caller: Caller) -> None:
        """CrumbFilter (POST only): raises 403 unless the crumb matches user and session."""
        if not self.csrf or caller.via == "token":
            return  # ApiCrumbExclusion: API-token requests need no crumb.
        sent = request.headers.get(CRUMB_FIELD.lower()) or request.first(CRUMB_FIELD)
        expected = self._crumb(caller.name, caller.session) if caller.session else None
        if not sent or expected is None or not secrets.compare_digest(sent, expected):
            raise JenkinsFailure(403, "No valid crumb was included in the request")

    def issue_crumb(self, caller: Caller) -> tuple[str, str | None]:
        """A crumb for the caller's session, and a new session id when it had none."""
        if caller.session is not None:
            return self._crumb(caller.name, caller.session), None
        session = secrets.token_hex(16)
        self.sessions[session] = caller.name
        return self._crumb(caller.name, session), session

    def need(self, caller: Caller, permission: str, item: str | None = None) -> None:
        """Raises 403 with Jenkins' diagnostic headers unless the caller may (on the job
        or folder `item`, when given)."""
        if caller.may(permission, item):
            return
        headers = {
            "X-You-Are-Authenticated-As": caller.name,
            "X-You-Are-In-Group-Disabled": GROUP_HEADER_NOTE,
            "X-Required-Permission": PERMISSIONS[permission],
            "X-Permission-Implied-By": "hudson.model.Hudson.Administer",
        }
        if caller.user is None:
            raise login_required(f"anonymous is missing {permission}", headers)
        raise JenkinsFailure(
            403,
            f"{caller.name} is missing the {PERMISSION_TITLES[permission]} permission",
            headers=headers,
        )
