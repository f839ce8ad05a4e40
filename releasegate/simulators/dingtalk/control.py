"""A small client for the DingTalk simulator's `/_sim/` control API (tests, demo, people)."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from functools import cache
from typing import Any

import httpx

from releasegate.simulators.dingtalk.stream.control import StreamControl


@cache
def _tls() -> ssl.SSLContext:
    # One context for every client: building one loads the CA bundle (~35 ms).
    return ssl.create_default_context()


class DingTalkControl:
    def __init__(self, base_url: str, timeout: float = 15.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/_sim/", timeout=timeout, verify=_tls()
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise SimulatorRefused(response.status_code, response.json().get("error", ""))
        return response.json()

    def close(self) -> None:
        self._http.close()

    @property
    def stream(self) -> StreamControl:
        """The Stream gateway: connections, deliveries, pings, disconnects, modes."""
        return StreamControl(self._call)

    # -- time -----------------------------------------------------------------------

    def advance(self, seconds: float) -> int:
        """Move the simulator's clock; pushes that fall due are attempted before it
        returns. Returns the new time in milliseconds."""
        return int(self._call("POST", "clock", json={"advance": seconds})["now_ms"])

    def now_ms(self) -> int:
        return int(self._call("GET", "clock")["now_ms"])

    # -- approvals ------------------------------------------------------------------

    def submit(
        self,
        originator: str = "zhangsan",
        form: dict[str, str] | None = None,
        *,
        approvers: Sequence[dict[str, Any]] | None = None,
    ) -> str:
        """Start an instance as the originator would from the form; its id."""
        payload: dict[str, Any] = {"originator": originator, "form": form or {}}
        if approvers is not None:
            payload["approvers"] = list(approvers)
        return str(self._call("POST", "instances", json=payload)["instance_id"])

    def instance(self, instance_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", f"instances/{instance_id}")
        return found

    def instances(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "instances")
        return found

    def agree(self, instance_id: str, user: str, remark: str = "") -> dict[str, Any]:
        return self._act(instance_id, "agree", user, remark)

    def refuse(self, instance_id: str, user: str, remark: str = "") -> dict[str, Any]:
        return self._act(instance_id, "refuse", user, remark)

    def terminate(self, instance_id: str, user: str | None = None) -> dict[str, Any]:
        """Revoke the instance as its originator (or as `user`, which DingTalk refuses)."""
        return self._act(instance_id, "terminate", user, "")

    def revoke(self, instance_id: str, user: str | None = None, remark: str = "") -> dict[str, Any]:
        """Revoke an approved instance as its originator: DingTalk starts an attached
        revocation instance (bizAction REVOKE); the approved one is returned, listing it."""
        return self._act(instance_id, "revoke", user, remark)

    def _act(self, instance_id: str, action: str, user: str | None, remark: str) -> dict[str, Any]:
        payload = {"user": user, "remark": remark}
        described: dict[str, Any] = self._call(
            "POST", f"instances/{instance_id}/{action}", json=payload
        )
        return described

    # -- events -----------------------------------------------------------------------

    # -- cards ------------------------------------------------------------------------

    def cards(self) -> list[dict[str, Any]]:
        """Every card delivered, with its public and private data and its history."""
        return list(self._call("GET", "cards"))

    def click(self, out_track_id: str, user: str, action: str) -> dict[str, Any]:
        """Click a card's button ("agree" or "refuse") as `user`: the callback's outcome
        and the card after it."""
        body = {"out_track_id": out_track_id, "user": user, "action": action}
        return dict(self._call("POST", "cards/click", json=body))

    def events(self) -> list[dict[str, Any]]:
        """Every event DingTalk meant to push, with each delivery attempt."""
        found: list[dict[str, Any]] = self._call("GET", "events")
        return found

    def settle(self, timeout: float = 10.0) -> bool:
        return bool(self._call("POST", "events/settle", json={"timeout": timeout})["settled"])

    def redeliver(self, delivery: int) -> dict[str, Any]:
        """Push delivery `delivery`'s event again, as a new delivery (the same eventId)."""
        found: dict[str, Any] = self._call("POST", "events/redeliver", json={"delivery": delivery})
        return found

    def set_event_url(self, url: str | None) -> None:
        self._call("POST", "events/url", json={"url": url})

    def check_url(self, url: str | None = None) -> dict[str, Any]:
        """Make DingTalk's `check_url` handshake with the event URL (or `url`)."""
        result: dict[str, Any] = self._call("POST", "events/check_url", json={"url": url})
        return result

    # -- messages, faults, tokens, requests ---------------------------------------------

    def messages(self, kind: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
        params = {name: value for name, value in (("kind", kind), ("to", to)) if value}
        found: list[dict[str, Any]] = self._call("GET", "messages", params=params)
        return found

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Replace the fault plan: qps_limit=N, quota=N, invalid_token=N, unauthorized=N,
        server_error=N (503), bad_gateway=N (502), system_error=N (500 systemError; oapi
        errcode -1), connection_reset=N (reset before the work), reset_after_work=N (the
        work done, the answer lost) — each the next N token-carrying calls — latency_ms,
        robot_flow_controlled, robot_filtered."""
        applied: dict[str, Any] = self._call("POST", "faults", json=faults)
        return applied

    def faults(self) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", "faults")
        return found

    def expire_tokens(self) -> None:
        self._call("POST", "tokens/expire")

    def requests(self, path: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "requests")
        return [record for record in found if path is None or record["path"] == path]

    def reset_requests(self) -> None:
        self._call("POST", "requests/reset")

    def app(self) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", "app")
        return found

    # -- the approval form and the connector ---------------------------------------------

    def open_form(self, user: str = "zhangsan") -> dict[str, Any]:
        """Open the approval form as `user`; its on-load action has been called."""
        return self._form("POST", "forms", json={"user": user})

    def form(self, form_id: str) -> dict[str, Any]:
        return self._form("GET", f"forms/{form_id}")

    def forms(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "forms")
        return found

    def choose(self, form_id: str, field: str, option: str) -> dict[str, Any]:
        """Choose one of a select's options, by id or by value ("" clears it)."""
        return self._form(
            "POST", f"forms/{form_id}/choose", json={"field": field, "option": option}
        )

    def fill(self, form_id: str, values: dict[str, str]) -> dict[str, Any]:
        """Set controls in the order given; selects take one of their options."""
        return self._form("POST", f"forms/{form_id}/fill", json={"values": values})

    def submit_form(self, form_id: str) -> dict[str, Any]:
        """Submit the form: `state` "submitted" with `instance_id`, or "open" with the
        `refusal` the tester was shown."""
        return self._form("POST", f"forms/{form_id}/submit")

    def _form(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        found: dict[str, Any] = self._call(method, path, **kwargs)
        return found

    def connector(self) -> dict[str, Any]:
        """The connector's configuration: url, auth, secret_set, node, timeout."""
        return self._form("GET", "connector")

    def configure_connector(self, **changes: Any) -> dict[str, Any]:
        """Change the connector at runtime: url=, auth= ("apisecret", "basic", "none"),
        secret=, node= ("none", "sync", "async"; instances started later), timeout=."""
        return self._form("POST", "connector", json=changes)

    def connector_calls(
        self, action: str | None = None, subject: str | None = None
    ) -> list[dict[str, Any]]:
        """Every connector call with its request, answer, outcome and duration; only
        those of `action` or about `subject` (a form's or an instance's id) if given."""
        params = {name: v for name, v in (("action", action), ("subject", subject)) if v}
        found: list[dict[str, Any]] = self._call("GET", "connector/calls", params=params)
        return found

    def reset_connector_calls(self) -> None:
        self._call("POST", "connector/calls/reset")

    def connector_node_runs(self) -> list[dict[str, Any]]:
        """The connector node's runs: instance, mode, state and each attempt's call."""
        found: list[dict[str, Any]] = self._call("GET", "connector/node")
        return found

    def call_node_again(self, instance_id: str) -> dict[str, Any]:
        """Make the connector node's call for `instance_id` once more; its run."""
        return self._form("POST", "connector/node/again", json={"instance_id": instance_id})

    def settle_connector(self, timeout: float = 10.0) -> bool:
        return bool(self._call("POST", "connector/settle", json={"timeout": timeout})["settled"])


class SimulatorRefused(Exception):
    """The control API said no (an unknown instance, an approver with no task...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
