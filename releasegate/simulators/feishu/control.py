"""A small client for the Feishu simulator's `/_sim/` control API (tests, demo, people)."""

from __future__ import annotations

from typing import Any

import httpx

from releasegate.simulators.feishu.long_connection.control import LongConnectionControl


class FeishuControl:
    def __init__(self, base_url: str, timeout: float = 15.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/") + "/_sim/", timeout=timeout)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise SimulatorRefused(response.status_code, response.json().get("error", ""))
        return response.json()

    def close(self) -> None:
        self._http.close()

    @property
    def long_connection(self) -> LongConnectionControl:
        """The long connection: connections, deliveries, closing, dropping, the mode."""
        return LongConnectionControl(self._call)

    # -- time -----------------------------------------------------------------------

    def advance(self, seconds: float) -> int:
        """Move the simulator's clock; pushes that fall due are attempted before it
        returns. Returns the new time in milliseconds."""
        return int(self._call("POST", "clock", json={"advance": seconds})["now_ms"])

    def now_ms(self) -> int:
        return int(self._call("GET", "clock")["now_ms"])

    # -- the form and instances ------------------------------------------------------

    def open_form(self, user: str = "zhangsan") -> list[dict[str, str]]:
        """Open the release form as `user`: the projects it offers ({id, text})."""
        found: list[dict[str, str]] = self._call("POST", "forms/open", json={"user": user})[
            "projects"
        ]
        return found

    def applications(self, project: str, user: str = "zhangsan") -> list[dict[str, str]]:
        """The applications the form offers once `project` (an option id) is chosen."""
        payload = {"user": user, "project": project}
        found: list[dict[str, str]] = self._call("POST", "forms/applications", json=payload)[
            "applications"
        ]
        return found

    def submit_form(self, values: dict[str, str], user: str = "zhangsan") -> dict[str, Any]:
        """Fill the form (values by widget name or custom id; a radio by option id or
        text) and submit it: {"state": "submitted", "instance_code"} or {"state":
        "refused", "refusal"}."""
        found: dict[str, Any] = self._call(
            "POST", "forms/submit", json={"user": user, "values": values}
        )
        return found

    def submit(self, values: dict[str, str], user: str = "zhangsan") -> str:
        """Submit the form; the instance code (raises SimulatorRefused when refused)."""
        outcome = self.submit_form(values, user)
        if outcome["state"] != "submitted":
            raise SimulatorRefused(400, outcome["refusal"])
        return str(outcome["instance_code"])

    def instance(self, instance_code: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", f"instances/{instance_code}")
        return found

    def instances(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "instances")
        return found

    def approve(self, instance_code: str, user: str, comment: str = "") -> dict[str, Any]:
        return self._act(instance_code, "approve", user, comment)

    def reject(self, instance_code: str, user: str, comment: str = "") -> dict[str, Any]:
        return self._act(instance_code, "reject", user, comment)

    def cancel(self, instance_code: str, user: str | None = None) -> dict[str, Any]:
        """Cancel (撤回) as the originator, or as `user` (which Feishu refuses)."""
        return self._act(instance_code, "cancel", user, "")

    def _act(self, code: str, action: str, user: str | None, comment: str) -> dict[str, Any]:
        payload = {"user": user, "comment": comment}
        found: dict[str, Any] = self._call("POST", f"instances/{code}/{action}", json=payload)
        return found

    def options_calls(self) -> list[dict[str, Any]]:
        """Every call to ReleaseGate's options URLs: source, request, outcome, status."""
        found: list[dict[str, Any]] = self._call("GET", "options/calls")
        return found

    # -- events -----------------------------------------------------------------------

    def events(self, state: str | None = None) -> list[dict[str, Any]]:
        """Every event push (or those in `state`: pending, delivered, failed,
        unsubscribed), each with its envelope and attempts."""
        params = {"state": state} if state else {}
        found: list[dict[str, Any]] = self._call("GET", "events", params=params)
        return found

    def failed_events(self) -> list[dict[str, Any]]:
        """Pushes given up after the last retry."""
        return self.events("failed")

    def settle(self, timeout: float = 10.0) -> bool:
        return bool(self._call("POST", "events/settle", json={"timeout": timeout})["settled"])

    def redeliver(self, delivery: int) -> dict[str, Any]:
        """Push delivery `delivery`'s event again (the same uuid), as a new delivery."""
        found: dict[str, Any] = self._call("POST", "events/redeliver", json={"delivery": delivery})
        return found

    def set_event_url(self, url: str | None) -> None:
        self._call("POST", "events/url", json={"url": url})

    def set_options_url(self, url: str | None) -> None:
        """Where the form asks for its external options: `<url>/projects`, …"""
        self._call("POST", "options/url", json={"url": url})

    def set_duplicate_probability(self, probability: float) -> None:
        self._call("POST", "events/duplicates", json={"probability": probability})

    def verify_url(self, url: str | None = None, *, encrypted: bool = False) -> dict[str, Any]:
        """Send the `url_verification` challenge to the event URL (or `url`): {ok,
        status, outcome, answer}."""
        payload = {"url": url, "encrypted": encrypted}
        found: dict[str, Any] = self._call("POST", "events/verify", json=payload)
        return found

    # -- messages, faults, tokens, requests ---------------------------------------------

    def messages(self, kind: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
        """Messages sent: kind "message" (im/v1) or "bot" (the custom bot)."""
        params = {name: value for name, value in (("kind", kind), ("to", to)) if value}
        found: list[dict[str, Any]] = self._call("GET", "messages", params=params)
        return found

    def click_card(self, message: int | str, user: str, button: int = 0) -> dict[str, Any]:
        """`user` clicks the card's `button`-th callback button (the message's number or
        om_ id): the click, with the app's answer (`toast`, `card_updated`) applied."""
        body = {"message": message, "user": user, "button": button}
        found: dict[str, Any] = self._call("POST", "cards/click", json=body)
        return found

    def redeliver_click(self, click: int) -> dict[str, Any]:
        """Deliver a click's callback again (same event_id), as a new click record."""
        found: dict[str, Any] = self._call("POST", "cards/redeliver", json={"click": click})
        return found

    def clicks(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "cards/clicks")
        return found

    def faults(self) -> dict[str, Any]:
        """The fault plan still pending: what `set_faults` set, less the calls it hit."""
        found: dict[str, Any] = self._call("GET", "faults")
        return found

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Replace the fault plan: server_error=N, invalid_token=N, rate_limited=N (the
        next N token-carrying calls), latency_ms."""
        applied: dict[str, Any] = self._call("POST", "faults", json=faults)
        return applied

    def expire_tokens(self) -> None:
        """Every tenant token stops working now."""
        self._call("POST", "tokens/expire")

    def requests(self, path: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "requests")
        return [record for record in found if path is None or record["path"] == path]

    def reset_requests(self) -> None:
        self._call("POST", "requests/reset")

    def app(self) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", "app")
        return found


class SimulatorRefused(Exception):
    """The control API said no (an unknown instance, a person with no task...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
