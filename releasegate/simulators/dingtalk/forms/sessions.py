"""Form sessions: the opened forms, each control's options and value, and what the form
showed its tester. The steps that change them are in form.py."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from releasegate.simulators.dingtalk.settings import OrgUser

Source = Literal["connector", "fixed", "text"]


class FormError(Exception):
    """The tester cannot do that: no such control, not one of its options, the form
    already submitted. `status` is the control API's answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class FieldState:
    label: str
    component_type: str
    required: bool
    # "connector": options loaded by a bound action; "fixed": typed into the designer;
    # "text": typed in by the tester.
    source: Source
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    option_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "component_type": self.component_type,
            "required": self.required,
            "source": self.source,
            "options": [{"id": key, "value": value} for key, value in self.options],
            "value": self.value,
            "option_id": self.option_id,
        }


@dataclass
class FormSession:
    id: str
    user: OrgUser
    opened_at_ms: int
    fields: dict[str, FieldState]
    state: Literal["open", "submitted"] = "open"
    # What the form showed the tester, oldest first: options that could not load,
    # refused and blocked submissions.
    notices: list[str] = field(default_factory=list)
    # Why the latest submission did not go through; "" once one did.
    refusal: str = ""
    instance_id: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def values(self) -> dict[str, str]:
        return {label: state.value for label, state in self.fields.items()}

    def as_dict(self, call_ids: list[int]) -> dict[str, Any]:
        return {
            "id": self.id,
            "user": self.user.user_id,
            "user_name": self.user.name,
            "state": self.state,
            "opened_at_ms": self.opened_at_ms,
            "fields": [state.as_dict() for state in self.fields.values()],
            "values": {label: value for label, value in self.values().items() if value},
            "notices": list(self.notices),
            "refusal": self.refusal,
            "instance_id": self.instance_id,
            "calls": call_ids,
        }


class FormSessions:
    """Every form opened in the simulator. Has its own lock for the registry; each
    session's own lock keeps one tester's steps in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, FormSession] = {}
        self._serials = itertools.count(1)

    def add(self, user: OrgUser, fields: dict[str, FieldState], now_ms: int) -> FormSession:
        with self._lock:
            session = FormSession(f"form-{next(self._serials)}", user, now_ms, fields)
            self._sessions[session.id] = session
            return session

    def get(self, form_id: str) -> FormSession:
        with self._lock:
            session = self._sessions.get(form_id)
        if session is None:
            raise FormError(404, f"no form {form_id}")
        return session

    def all(self) -> list[FormSession]:
        with self._lock:
            return list(self._sessions.values())
