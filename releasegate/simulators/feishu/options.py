"""External options (关联外部选项, reference section A1): when a person opens the form,
Feishu asks the URL configured on each radio for its options, and asks the 应用名称
radio again whenever the project changes, with the project's option id in
`linkage_params`.

Each call is a POST with `{user_id, employee_id, token, linkage_params, page_token,
query, locale}`, 3 s to answer. The answer is
`{"code": 0, "data": {"result": {options, i18nResources, hasMore, nextPageToken}}}`;
with a Key configured, `result` is the AES-sealed JSON string instead. An option's text
is its `value` looked up in the i18n resources of the asked locale (or the default one).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from releasegate.simulators.feishu.crypto import decrypt
from releasegate.simulators.feishu.settings import Person, SimSettings

LOCALE = "zh_cn"


class OptionsFailure(Exception):
    """The options source did not answer with options; the message says what a person
    filling the form would be told."""


@dataclass
class OptionsCall:
    source: str
    request: dict[str, Any]
    outcome: str
    status: int | None
    duration_ms: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class OptionsCaller:
    """Calls ReleaseGate's options URLs. Has its own lock; never holds the world's."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.url = settings.options_url
        self._lock = threading.Lock()
        self._calls: list[OptionsCall] = []
        self._http = httpx.Client(timeout=settings.options_timeout)

    def close(self) -> None:
        self._http.close()

    def calls(self) -> list[dict[str, Any]]:
        with self._lock:
            return [call.as_dict() for call in self._calls]

    def fetch(
        self, source: str, person: Person, linkage: dict[str, str] | None = None
    ) -> list[tuple[str, str]]:
        """The (id, text) options `source` offers `person`; raises OptionsFailure."""
        if self.url is None:
            raise OptionsFailure("no options URL configured")
        request = {
            "user_id": person.user_id,
            "employee_id": person.user_id,
            "token": self.settings.options_token,
            "linkage_params": linkage or {},
            "page_token": "",
            "query": "",
            "locale": LOCALE,
        }
        started = time.monotonic()
        status: int | None = None
        try:
            response = self._http.post(f"{self.url.rstrip('/')}/{source}", json=request)
            status = response.status_code
            options = self._options(response)
            outcome = "success"
        except httpx.TimeoutException:
            outcome = f"no answer within {self.settings.options_timeout:g} s"
        except httpx.TransportError as exc:
            outcome = f"connection failed: {type(exc).__name__}"
        except OptionsFailure as exc:
            outcome = str(exc)
        duration = int((time.monotonic() - started) * 1000)
        with self._lock:
            self._calls.append(OptionsCall(source, request, outcome, status, duration))
        if outcome != "success":
            raise OptionsFailure(outcome)
        return options

    def _options(self, response: httpx.Response) -> list[tuple[str, str]]:
        if response.status_code != 200:
            raise OptionsFailure(f"HTTP {response.status_code}")
        try:
            answer = response.json()
            result = answer["data"]["result"]
            if isinstance(result, str):
                result = json.loads(decrypt(self.settings.options_key, result))
            return _texts(result)
        except (ValueError, KeyError, TypeError) as exc:
            raise OptionsFailure(f"the answer is not options: {type(exc).__name__}") from None


def _texts(result: dict[str, Any]) -> list[tuple[str, str]]:
    resources = result["i18nResources"]
    chosen = next((r for r in resources if r.get("locale") == LOCALE), None)
    chosen = chosen or next((r for r in resources if r.get("isDefault")), resources[0])
    texts: dict[str, str] = chosen["texts"]
    return [(str(o["id"]), texts.get(o["value"], "")) for o in result["options"]]
