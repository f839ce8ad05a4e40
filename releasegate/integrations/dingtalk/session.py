"""The connection to one DingTalk app: its access token, both API dialects, the retries.

DingTalkClient (client.py) builds its operations on this. One access token serves the
v1.0 API (header `x-acs-dingtalk-access-token`; a query `access_token` does not work there)
and the older oapi (query `access_token`): DingTalk's own Stream SDK fetches the token from
`/v1.0/oauth2/accessToken` and sends it to `oapi.dingtalk.com/media/upload?access_token=`
(open-dingtalk/dingtalk-stream-sdk-python, dingtalk_stream/stream.py, `upload_to_dingtalk`).
A third-party script claims the two are not interchangeable; the official SDK wins.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

import httpx

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.parsing import validated
from releasegate.integrations.dingtalk.raw import RawAccessToken
from releasegate.lib.http import OutboundClient, Timeouts, count_refusal
from releasegate.lib.redact import register_secret
from releasegate.lib.tokens import AccessTokens

logger = logging.getLogger("releasegate.dingtalk")

Clock = Callable[[], float]
Sleep = Callable[[float], None]
R = TypeVar("R")

TOKEN_HEADER = "x-acs-dingtalk-access-token"
# The token lives 7200 s; the doc recommends caching it for about 7000 s.
TOKEN_MARGIN_SECONDS = 200
# "调用频次与限流": on a QPS limit, sleep about a second and retry.
QPS_BACKOFF_SECONDS = 1.0
QPS_JITTER_SECONDS = 0.5


class DingTalkSession:
    """One DingTalk app's connection. Thread-safe: threads may share one session."""

    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        agent_id: int = 0,
        api_base: str = "https://api.dingtalk.com",
        oapi_base: str = "https://oapi.dingtalk.com",
        timeouts: Timeouts | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        qps_attempts: int = 3,
        verify_tls: bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        register_secret(app_secret)
        self.app_key = app_key
        self.agent_id = agent_id
        self._app_secret = app_secret
        self._sleep = sleep
        self._qps_attempts = max(qps_attempts, 1)
        self._random = random.Random()  # noqa: S311  (backoff jitter, not a secret)
        self._api, self._oapi = (
            OutboundClient(
                service=errors.SERVICE,
                base_url=base.rstrip("/") + "/",
                timeouts=timeouts or Timeouts(),
                verify=verify_tls,
                transport=transport,
            )
            for base in (api_base, oapi_base)
        )
        self.tokens = AccessTokens(self._fetch_token, clock, TOKEN_MARGIN_SECONDS)

    def close(self) -> None:
        self._api.close()
        self._oapi.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def access_token(self) -> str:
        """The current access token (fetched when needed). Raises `AuthenticationFailed`
        when DingTalk refuses the app key or secret."""
        return self.tokens.current()

    def _fetch_token(self) -> tuple[str, int]:
        what = "the access token"
        body = {"appKey": self.app_key, "appSecret": self._app_secret}
        response = self._retrying_qps(
            lambda: self._checked(
                self._api.request("POST", "v1.0/oauth2/accessToken", json=body), what
            )
        )
        raw = validated(RawAccessToken, response, what)
        return raw.access_token, raw.expire_in

    # -- calls ----------------------------------------------------------------------

    def _v1(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """A v1.0 call with the access token; the 200 answer, or the typed error."""

        def once(token: str) -> httpx.Response:
            response = self._api.request(
                method, path, params=params, json=json, headers={TOKEN_HEADER: token}
            )
            return self._checked(response, what)

        return self._with_token(once)

    def _oapi_post(self, path: str, what: str, body: Any) -> httpx.Response:
        """An older-API POST with the token in the query. DingTalk answers its failures
        with HTTP 200 and a non-zero `errcode`, which is raised as the typed error."""

        def once(token: str) -> httpx.Response:
            response = self._oapi.request("POST", path, params={"access_token": token}, json=body)
            self._checked(response, what)
            payload = errors.json_body(response)
            if payload is None:
                raise errors.UnexpectedResponse(f"{what}: DingTalk's answer is not a JSON object")
            errcode = payload.get("errcode", 0)
            if not isinstance(errcode, int):
                raise errors.UnexpectedResponse(f"{what}: errcode {errcode!r} is not a number")
            if errcode != 0:
                count_refusal(errors.SERVICE, errcode)
                raise errors.oapi_error(errcode, str(payload.get("errmsg") or ""), what)
            return response

        return self._with_token(once)

    @staticmethod
    def _checked(response: httpx.Response, what: str) -> httpx.Response:
        if response.status_code != 200:
            raise errors.v1_error(response, what)
        return response

    def _with_token(self, once: Callable[[str], R]) -> R:
        """Run `once` with the token; on a refused token, refresh it and run once more."""
        token = self.tokens.current()
        try:
            return self._retrying_qps(lambda: once(token))
        except errors.TokenRejected:
            logger.info("DingTalk refused the access token; fetching a new one")
        fresh = self.tokens.refresh(token)
        return self._retrying_qps(lambda: once(fresh))

    def _retrying_qps(self, call: Callable[[], R]) -> R:
        """Run `call`; while DingTalk answers with a QPS limit, back off about a second
        and try again, `qps_attempts` times in all. A monthly quota is not retried."""
        attempt = 1
        while True:
            try:
                return call()
            except errors.RateLimited as exc:
                if attempt >= self._qps_attempts:
                    raise errors.RateLimited(
                        f"{exc.message} after {attempt} attempts", status=exc.status, code=exc.code
                    ) from None
                delay = QPS_BACKOFF_SECONDS + self._random.uniform(0, QPS_JITTER_SECONDS)
                logger.warning("DingTalk QPS limit (%s); retrying in %.2f s", exc.code, delay)
                self._sleep(delay)
                attempt += 1
