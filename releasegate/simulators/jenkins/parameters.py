"""Parameter values as Jenkins reads them from a request: `buildWithParameters` query or
form fields, the `json` form field of `/build` and of an input step, and `delay`."""

from __future__ import annotations

import json
import re
from typing import Any

from releasegate.simulators.jenkins.model import Parameters, SimValue
from releasegate.simulators.jenkins.responses import (
    JenkinsFailure,
    Request,
    failure,
    illegal_argument,
)
from releasegate.simulators.jenkins.scenario import ParameterSpec

_LONG = re.compile(r"[+-]?[0-9]+")


def parse_delay(raw: str | None) -> float | None:
    """TimeDuration.fromString: `Nsec`/`Nsecs` are seconds; a bare number is milliseconds
    (so `delay=10` is 10 ms). Returns seconds, None when absent."""
    if raw is None:
        return None
    text, multiplier = raw.strip(), 0.001
    if text.endswith(("sec", "secs")):
        text, multiplier = text[: text.rindex("sec")].strip(), 1.0
    if not _LONG.fullmatch(text):
        raise illegal_argument(f"Invalid time duration value: {text}")
    return max(int(text), 0) * multiplier


def resolve(definitions: list[ParameterSpec], values: dict[str, list[str]]) -> Parameters:
    """buildWithParameters: each definition's createValue(req); missing names get their
    default, names the job does not define are ignored."""
    resolved: Parameters = []
    for spec in definitions:
        given = values.get(spec.name)
        if given is not None and len(given) > 1:
            raise illegal_argument(f"Parameter {spec.name} was specified more than once")
        resolved.append((spec, value_of(spec, given[0] if given else None)))
    return resolved


def value_of(spec: ParameterSpec, raw: str | None) -> SimValue:
    if spec.type in ("file", "run"):
        return None
    if raw is None or (spec.type == "git" and raw.strip() == ""):
        if spec.type == "git" and spec.required:
            raise failure(f"Parameter {spec.name} is required")
        return spec.default
    if spec.type == "choice" and raw not in spec.choices:
        raise illegal_argument(f"Illegal choice for parameter {spec.name}: {raw}")
    if spec.type == "git" and spec.choices and raw not in spec.choices:
        raise failure(f"Invalid value for parameter {spec.name}: {raw}")
    if spec.type == "boolean":
        return raw.strip().lower() == "true"
    return raw


def submitted_form(request: Request) -> dict[str, Any]:
    """Stapler's getSubmittedForm: the `json` form field. Without it (or with it empty)
    Jetty answers 400 "This page expects a form submission" when the request carries any
    parameter at all (`delay` included), otherwise 400 "Nothing is submitted"."""
    raw = request.first("json")
    if not raw:
        message = (
            "This page expects a form submission"
            if request.form or request.query
            else "Nothing is submitted"
        )
        raise JenkinsFailure(400, message)
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise failure("Failed to parse JSON:" + raw[:80]) from None
    if not isinstance(parsed, dict):
        raise failure("This page expects a form submission")
    return parsed


def submitted_values(definitions: list[ParameterSpec], form: dict[str, Any]) -> Parameters:
    """`/build` with `json`: only the submitted names, never defaulted."""
    by_name = {spec.name: spec for spec in definitions}
    resolved: Parameters = []
    for name, value in _entries(form):
        spec = by_name.get(name)
        if spec is None:
            raise illegal_argument(f"No such parameter definition: {name}")
        resolved.append((spec, value_of(spec, _as_text(value))))
    return resolved


def input_values(definitions: list[ParameterSpec], form: dict[str, Any]) -> dict[str, SimValue]:
    """InputStepExecution.parseValue: submitted names only; omitted ones are NOT defaulted."""
    return {spec.name: value for spec, value in submitted_values(definitions, form)}


def _entries(form: dict[str, Any]) -> list[tuple[str, Any]]:
    parameters = form.get("parameter", [])
    if isinstance(parameters, dict):
        parameters = [parameters]
    if not isinstance(parameters, list):
        raise failure("parameter must be a list")
    entries = []
    for entry in parameters:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise failure("each parameter needs a name")
        entries.append((entry["name"], entry.get("value")))
    return entries


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
