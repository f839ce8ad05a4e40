"""The connection to one Jenkins: authentication, CSRF crumbs, timeouts, typed errors.

JenkinsClient (client.py) builds its operations on this. API tokens are the recommended
credential: Jenkins exempts them from CSRF crumbs. With a password, POSTs carry a crumb
fetched on the same cookie-keeping connection, because Jenkins (2.176.2+) binds a crumb
to the HTTP session it was issued in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.listing import listing_tree
from releasegate.integrations.jenkins.parsing import crumb_from, validated
from releasegate.lib.http import OutboundClient, OutboundError, Timeouts
from releasegate.lib.redact import register_secret

M = TypeVar("M", bound=BaseModel)
# A read that fails transiently (a 503, a timeout, a dropped connection) is asked again at
# once, up to this many times in all (so a read may take this many times its timeouts: the
# engine's claims count on it, fence.lease_for): a read changes nothing, and each engine
# step makes a few of them, so without this a Jenkins failing one call in three fails most
# steps and the step's own retries (with backoff, then ERROR) run out. Writes are never
# repeated here.
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class ApiTokenAuth:
    """User + API token over Basic auth: the recommended way; no crumb is needed."""

    user: str
    token: str


@dataclass(frozen=True)
class PasswordAuth:
    """User + password: POSTs need a CSRF crumb bound to the session cookie."""

    user: str
    password: str


JenkinsAuth = ApiTokenAuth | PasswordAuth


def job_path(full_name: str) -> str:
    """The URL path of a job: each folder segment quoted on its own.

    Multibranch names already contain `%2F`; quoting again (to `%252F`) is what Jenkins
    expects. Empty, `.` and `..` segments are refused so a name cannot walk elsewhere.
    """
    segments = full_name.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"not a Jenkins job name: {full_name!r}")
    try:
        return "/job/" + "/job/".join(quote(segment, safe="") for segment in segments)
    except UnicodeEncodeError:  # an unpaired surrogate: no URL can carry it
        raise ValueError(f"not a Jenkins job name: {full_name!r}") from None


class JenkinsSession:
    """One Jenkins server's connection. Not thread-safe: one per thread."""

    def __init__(
        self,
        base_url: str,
        auth: JenkinsAuth,
        *,
        timeouts: Timeouts | None = None,
        verify_tls: bool = True,
        folder_levels: int = 5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        secret = auth.token if isinstance(auth, ApiTokenAuth) else auth.password
        register_secret(secret, user=auth.user)
        self._auth = auth
        self._listing_tree = listing_tree(folder_levels)
        self._crumb: dict[str, str] | None = None
        self.version: str | None = None
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=base_url.rstrip("/") + "/",
            timeouts=timeouts or Timeouts(),
            auth=(auth.user, secret),
            verify=verify_tls,
            transport=transport,
        )

    @property
    def request_count(self) -> int:
        return self._http.request_count

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        ok: Iterable[int] = (200,),
    ) -> httpx.Response:
        """Send a request; raise the typed error unless the status is in `ok`. A GET that
        fails transiently is sent again, up to READ_ATTEMPTS in all."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                return self._send_once(method, path, what, params=params, data=data, ok=ok)
            except OutboundError as exc:
                if method != "GET" or exc.permanent or attempt == READ_ATTEMPTS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send_once(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        ok: Iterable[int],
    ) -> httpx.Response:
        response = self._request(method, path, params, data)
        if (
            response.status_code == 403
            and isinstance(self._auth, PasswordAuth)
            and "crumb" in response.text.lower()
        ):
            # Crumbs are bound to the HTTP session, which Jenkins may have expired.
            self._crumb = None
            response = self._request(method, path, params, data)
        self.version = response.headers.get("X-Jenkins", self.version)
        if response.status_code not in ok:
            raise errors.error_for(response, what)
        return response

    def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
    ) -> httpx.Response:
        headers = self._crumb_header() if method == "POST" else None
        return self._http.request(method, path, params=params, data=data, headers=headers)

    def _get(self, model: type[M], path: str, what: str, **params: str) -> M:
        response = self._send("GET", path, what, params=params)
        return validated(TypeAdapter(model), response, what)

    def _crumb_header(self) -> dict[str, str] | None:
        if isinstance(self._auth, ApiTokenAuth):
            return None  # API tokens are exempt from CSRF (ApiCrumbExclusion, JENKINS-22474).
        if self._crumb is None:
            # The crumb is bound to the session cookie this same client keeps.
            response = self._http.request("GET", "crumbIssuer/api/json")
            if response.status_code == 404:
                self._crumb = {}  # CSRF protection is switched off on this Jenkins.
            elif response.status_code != 200:
                raise errors.error_for(response, "the crumb issuer")
            else:
                self._crumb = crumb_from(response)
        return self._crumb
