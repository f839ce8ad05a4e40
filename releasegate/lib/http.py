"""The one seam every outbound HTTP call goes through.

It sets timeouts on every request, turns transport failures into `OutboundError` with a
permanent/transient verdict (transient: worth retrying later; permanent: retrying cannot
help), counts requests, and keeps secrets out of what it logs and raises.

Being the one seam, it is also where calls and failures are counted for Prometheus
(docs/observability.md), whichever client made them, and where a call made inside a
database transaction is caught (`refuse_calls_in_transactions`): a slow service must never
hold a lock that others wait for (on SQLite, the whole database's write lock).
"""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client import Counter, Histogram

from releasegate.lib.redact import redact

logger = logging.getLogger("releasegate.http")

CALLS = Counter(
    "releasegate_outbound_requests_total",
    "Requests sent to an external service (answered or not).",
    ["service", "method"],
)
FAILURES = Counter(
    "releasegate_outbound_errors_total",
    "Requests that failed: kind is timeout, connection, http_<status> for an answer "
    "of 400 or more, or errcode_<code> for an HTTP 200 answer that refused.",
    ["service", "kind"],
)


def count_refusal(service: str, code: int) -> None:
    """An answer of HTTP 200 that says no (DingTalk's older APIs and its robot put the
    refusal in a non-zero `errcode`): an error of kind `errcode_<code>`."""
    FAILURES.labels(service, f"errcode_{code}").inc()


class CallInsideTransaction(RuntimeError):
    """An outbound call was made while a database transaction was open (a bug)."""


class _TransactionGuard:
    """How the seam learns that the calling thread holds a transaction (the database
    layer tells it: this module knows no database), and whether to refuse the call
    (tests: every such call fails loudly) or to log it (production: the call goes on)."""

    in_transaction: Callable[[], bool] = staticmethod(lambda: False)
    refuse = False


def refuse_calls_in_transactions(in_transaction: Callable[[], bool], *, refuse: bool) -> None:
    """Check every outbound call with `in_transaction`; raise `CallInsideTransaction` when
    it holds and `refuse` is set, log an error otherwise."""
    _TransactionGuard.in_transaction = staticmethod(in_transaction)
    _TransactionGuard.refuse = refuse


def _check_transaction(service: str, method: str, url: str) -> None:
    if not _TransactionGuard.in_transaction():
        return
    said = f"{service}: {method} {redact(url)} called inside a database transaction"
    if _TransactionGuard.refuse:
        raise CallInsideTransaction(said)
    logger.error("%s (fetch first, then one short transaction)", said)


DURATION = Histogram(
    "releasegate_outbound_request_duration_seconds",
    "Time until an external service answered.",
    ["service"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed for each phase of a request; none of them is ever unlimited."""

    connect: float = 5.0
    read: float = 15.0
    write: float = 15.0
    pool: float = 5.0

    @classmethod
    def uniform(cls, seconds: float) -> Timeouts:
        return cls(connect=min(seconds, 5.0), read=seconds, write=seconds, pool=seconds)

    def as_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


class OutboundError(Exception):
    """A call to an external service failed.

    `permanent` says whether repeating the same call can succeed: a timeout or a 503 is
    transient, a 404 for a job or a refused credential is permanent. `status` is the HTTP
    status when the service answered at all.
    """

    def __init__(
        self, message: str, *, service: str, permanent: bool, status: int | None = None
    ) -> None:
        self.message = redact(message)
        self.service = service
        self.permanent = permanent
        self.status = status
        super().__init__(f"{service}: {self.message}")


@functools.cache
def verifying_context() -> ssl.SSLContext:
    """The TLS settings every verifying client shares: httpx's own default (the CA bundle
    named by SSL_CERT_FILE or SSL_CERT_DIR, else certifi's), made once per process.
    Loading the bundle takes about 20 ms, which each new client paid: a dashboard page
    that asks Jenkins for a release's changes opens a client per view. A context is safe
    to share between threads; httpcore sets the same ALPN protocols on it for every
    connection, since no client here speaks HTTP/2."""
    return httpx.create_ssl_context()


# Statuses that say "try again later" rather than "this request is wrong".
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class OutboundClient:
    """An httpx client bound to one service's base URL, with timeouts and error verdicts."""

    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        timeouts: Timeouts,
        auth: httpx.Auth | tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        verify: bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.service = service
        self.request_count = 0
        self._client = httpx.Client(
            base_url=base_url,
            auth=auth,
            headers=dict(headers or {}),
            timeout=timeouts.as_httpx(),
            verify=verifying_context() if verify else False,
            transport=transport,
            follow_redirects=False,
        )

    @property
    def base_url(self) -> httpx.URL:
        return self._client.base_url

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request and return the response, whatever its status.

        `data` is sent as a form, `json` (any JSON-serialisable value) as a JSON body.

        Raises `OutboundError` (transient) when no response arrived: a timeout, a refused
        or reset connection, or a connection closed before the answer.
        """
        _check_transaction(self.service, method, url)
        self.request_count += 1
        CALLS.labels(self.service, method).inc()
        started = time.monotonic()
        try:
            response = self._client.request(
                method, url, params=params, data=data, json=json, headers=headers
            )
        except httpx.TimeoutException as exc:
            FAILURES.labels(self.service, "timeout").inc()
            raise self._failure(method, url, f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            FAILURES.labels(self.service, "connection").inc()
            raise self._failure(method, url, f"connection failed: {exc}") from None
        DURATION.labels(self.service).observe(time.monotonic() - started)
        if response.status_code >= 400:
            FAILURES.labels(self.service, f"http_{response.status_code}").inc()
        logger.debug(
            "%s %s %s -> %s in %.0f ms",
            self.service,
            method,
            redact(str(response.request.url)),
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _failure(self, method: str, url: str, what: str) -> OutboundError:
        return OutboundError(f"{method} {url} {what}", service=self.service, permanent=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OutboundClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
