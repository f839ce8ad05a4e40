"""A small client for the WeCom simulator's `/_sim/` control API (tests, demo, people)."""

from __future__ import annotations

from typing import Any

import httpx


class WeComControl:
    def __init__(self, base_url: str, timeout: float = 15.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/") + "/_sim/", timeout=timeout)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise SimulatorRefused(response.status_code, response.json().get("error", ""))
        return response.json()

    def close(self) -> None:
        self._http.close()

    # -- time -----------------------------------------------------------------------

    def advance(self, seconds: float) -> int:
        """Move the simulator's clock; callbacks that fall due are attempted before it
        returns. Returns the new time in milliseconds."""
        return int(self._call("POST", "clock", json={"advance": seconds})["now_ms"])

    def now_ms(self) -> int:
        return int(self._call("GET", "clock")["now_ms"])

    # -- the form and applications --------------------------------------------------------

    def submit_form(self, values: dict[str, Any], user: str = "zhangsan") -> dict[str, Any]:
        """Fill in the form (values by control title; a Selector by option key or text,
        an external one by key or {key, value}) and submit it: {"state": "submitted",
        "sp_no"} or {"state": "refused", "refusal"}."""
        found: dict[str, Any] = self._call(
            "POST", "forms/submit", json={"user": user, "values": values}
        )
        return found

    def submit(self, values: dict[str, Any], user: str = "zhangsan") -> str:
        """Submit the form; the sp_no (raises SimulatorRefused when refused)."""
        outcome = self.submit_form(values, user)
        if outcome["state"] != "submitted":
            raise SimulatorRefused(400, outcome["refusal"])
        return str(outcome["sp_no"])

    def application(self, sp_no: str) -> dict[str, Any]:
        """getapprovaldetail's `info`, with `waiting_on` (userids) and `summary`."""
        found: dict[str, Any] = self._call("GET", f"applications/{sp_no}")
        return found

    def applications(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "applications")
        return found

    def approve(self, sp_no: str, user: str, speech: str = "") -> dict[str, Any]:
        return self._act(sp_no, "approve", {"user": user, "speech": speech})

    def refuse(self, sp_no: str, user: str, speech: str = "") -> dict[str, Any]:
        return self._act(sp_no, "refuse", {"user": user, "speech": speech})

    def revoke(self, sp_no: str, user: str | None = None) -> dict[str, Any]:
        """撤销 as the applicant (or `user`, which WeCom refuses): a pending application
        becomes 4, an approved one 6 (通过后撤销)."""
        return self._act(sp_no, "revoke", {"user": user})

    def delete(self, sp_no: str) -> dict[str, Any]:
        """An admin deletes the application (sp_status 7); nothing is called back."""
        return self._act(sp_no, "delete", {"user": "admin"})

    def remind(self, sp_no: str, user: str | None = None) -> dict[str, Any]:
        """催办 as the applicant: StatuChangeEvent 5, no status change."""
        return self._act(sp_no, "remind", {"user": user})

    def comment(self, sp_no: str, user: str, content: str) -> dict[str, Any]:
        """添加备注: StatuChangeEvent 10."""
        return self._act(sp_no, "comment", {"user": user, "content": content})

    def _act(self, sp_no: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = self._call("POST", f"applications/{sp_no}/{action}", json=payload)
        return found

    # -- callbacks ------------------------------------------------------------------------

    def callbacks(self, state: str | None = None) -> list[dict[str, Any]]:
        """Every callback (or those in `state`: pending, delivered, failed, dropped,
        unconfigured), each with its decrypted XML and attempts."""
        params = {"state": state} if state else {}
        found: list[dict[str, Any]] = self._call("GET", "callbacks", params=params)
        return found

    def settle(self, timeout: float = 10.0) -> bool:
        return bool(self._call("POST", "callbacks/settle", json={"timeout": timeout})["settled"])

    def redeliver(self, delivery: int) -> dict[str, Any]:
        """Call back delivery `delivery`'s event again, as a new delivery."""
        found: dict[str, Any] = self._call(
            "POST", "callbacks/redeliver", json={"delivery": delivery}
        )
        return found

    def set_callback_url(self, url: str | None) -> None:
        self._call("POST", "callbacks/url", json={"url": url})

    def set_chances(self, *, drop: float | None = None, duplicate: float | None = None) -> None:
        """The probability that a callback is never sent (`drop`) or sent twice."""
        payload = {n: v for n, v in (("drop", drop), ("duplicate", duplicate)) if v is not None}
        self._call("POST", "callbacks/chances", json=payload)

    def verify_url(self, url: str | None = None) -> dict[str, Any]:
        """验证URL有效性 against the callback URL (or `url`): {ok, status, outcome, answer}."""
        found: dict[str, Any] = self._call("POST", "callbacks/verify", json={"url": url})
        return found

    # -- messages, faults, tokens, the picker bridge, requests ----------------------------

    def messages(self, kind: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
        """Messages sent: kind "message" (message/send) or "robot" (webhook/send); `to`
        a userid among the receivers."""
        params = {name: value for name, value in (("kind", kind), ("to", to)) if value}
        found: list[dict[str, Any]] = self._call("GET", "messages", params=params)
        return found

    def open_card(self, message_id: int, user: str) -> str:
        """`user` taps their template card `message_id`: the address WeCom opens."""
        found: dict[str, Any] = self._call(
            "POST", "cards/open", json={"message": message_id, "user": user}
        )
        return str(found["url"])

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Replace the fault plan: server_error=N (-1), invalid_token=N (40014),
        rate_limited=N (45009) for the next N token-carrying calls; latency_ms."""
        applied: dict[str, Any] = self._call("POST", "faults", json=faults)
        return applied

    def expire_tokens(self) -> None:
        """Every access token expires now: 42001 until a new one is fetched."""
        self._call("POST", "tokens/expire")

    def expire_tickets(self) -> None:
        """The jsapi tickets (corp and agent_config) expire now."""
        self._call("POST", "tickets/expire")

    def check_js_signature(self, kind: str, **config: Any) -> dict[str, Any]:
        """What `wx.config` (kind "config") or `wx.agentConfig` ("agent_config") with
        `config` (corpid, agentid, timestamp, nonceStr, signature, url) would answer."""
        found: dict[str, Any] = self._call("POST", "jssdk/check", json={"kind": kind, **config})
        return found

    def set_picker_url(self, url: str | None) -> None:
        self._call("POST", "picker/url", json={"url": url})

    def requests(self, path: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "requests")
        return [record for record in found if path is None or record["path"] == path]

    def reset_requests(self) -> None:
        self._call("POST", "requests/reset")

    def app(self) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", "app")
        return found


class SimulatorRefused(Exception):
    """The control API said no (an unknown application, a person with nothing to do…)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
