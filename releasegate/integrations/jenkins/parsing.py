"""From Jenkins' raw JSON (raw.py) to the typed values of models.py, and the small
response-reading helpers the client shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar
from urllib.parse import unquote, urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.models import (
    QUEUE_STATES,
    Build,
    BuildResult,
    Cause,
    ParameterDefinition,
    ParameterValue,
    PendingInput,
    QueueItem,
    QueueState,
    plain_value,
    value_as_text,
)
from releasegate.integrations.jenkins.raw import (
    RawAction,
    RawBuild,
    RawInput,
    RawQueueItem,
    RawStageViewDefinition,
    RawStageViewInput,
)
from releasegate.lib.validation import first_problem

T = TypeVar("T")


def crumb_from(response: httpx.Response) -> dict[str, str]:
    """`{"crumbRequestField": "Jenkins-Crumb", "crumb": "<hex>"}` as a header to send."""
    try:
        body = response.json()
        return {str(body["crumbRequestField"]): str(body["crumb"])}
    except (ValueError, KeyError, TypeError):
        raise errors.UnexpectedResponse("the crumb issuer answered an unexpected shape") from None


def task_job_path(url: str | None) -> str | None:
    """The `/job/...` part of a task URL, decoded once, whatever root URL Jenkins is
    configured with: compared whole, so `a/b` never matches `x/a/b` in another folder.
    Pipelines' `node {}` placeholder tasks have no URL."""
    path = urlsplit(url or "").path
    start = path.find("/job/")
    return unquote(path[start:]) if start >= 0 else None


def validated(adapter: TypeAdapter[T], response: httpx.Response, what: str) -> T:
    """The response body parsed into `adapter`'s type, or `UnexpectedResponse` naming where
    the shape went wrong."""
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        where, _ = first_problem(exc, "the top")
        raise errors.UnexpectedResponse(
            f"{what}: Jenkins answered an unexpected shape (at {where})"
        ) from None


def carries(actual: Mapping[str, ParameterValue], wanted: Mapping[str, str]) -> bool:
    for name, value in wanted.items():
        if name not in actual:
            return False
        if actual[name] is not None and value_as_text(actual[name]) != value:
            return False
    return True


def parameters_from(actions: Iterable[RawAction | None]) -> dict[str, ParameterValue]:
    return {
        value.name: plain_value(value.value)
        for action in actions
        if action is not None
        for value in action.parameters or []
        if value.name is not None
    }


def queue_item_from(raw: RawQueueItem) -> QueueItem:
    state = QUEUE_STATES.get(raw.class_, QueueState.WAITING)
    if state is QueueState.STARTED and (raw.cancelled or raw.executable is None):
        state = QueueState.CANCELLED
    return QueueItem(
        id=raw.id,
        state=state,
        why=raw.why,
        build_number=raw.executable.number if raw.executable else None,
        build_url=raw.executable.url if raw.executable else None,
        in_queue_since_ms=raw.inQueueSince,
        task_url=raw.task.url if raw.task else None,
        parameters=parameters_from(raw.actions),
    )


def build_from(raw: RawBuild) -> Build:
    actions = [action for action in raw.actions if action is not None]
    causes = tuple(
        Cause(
            jenkins_class=cause.class_,
            description=cause.shortDescription or "",
            user_id=cause.userId,
        )
        for action in actions
        for cause in action.causes or []
    )
    try:
        result = BuildResult(raw.result) if raw.result else None
    except ValueError:
        raise errors.UnexpectedResponse(f"build #{raw.number} has result {raw.result!r}") from None
    return Build(
        number=raw.number,
        url=raw.url or "",
        building=raw.building,
        result=result,
        duration_ms=raw.duration,
        timestamp_ms=raw.timestamp,
        queue_id=raw.queueId,
        parameters=parameters_from(actions),
        causes=causes,
        waiting_for_input=any(action.waitingForInput for action in actions),
        commit_times_ms=_commit_times(raw),
    )


def _commit_times(raw: RawBuild) -> tuple[int, ...]:
    sets = [s for s in [*(raw.changeSets or []), raw.changeSet] if s is not None]
    return tuple(
        item.timestamp
        for change_set in sets
        for item in change_set.items
        if item is not None and item.timestamp is not None and item.timestamp > 0
    )


def pending_input_from(raw: RawInput) -> PendingInput:
    return PendingInput(
        id=raw.id,
        message=raw.message,
        ok_text=raw.ok or "Proceed",
        submitter=raw.submitter or None,
        parameters=tuple(ParameterDefinition.from_raw(p) for p in raw.parameters),
    )


def pending_input_from_stage_view(raw: RawStageViewInput) -> PendingInput:
    parameters = []
    for entry in raw.inputs:
        definition = entry.definition or RawStageViewDefinition()
        default = definition.defaultVal
        parameters.append(
            ParameterDefinition.from_raw(
                {
                    "name": entry.name,
                    "type": entry.type,
                    "description": entry.description,
                    "choices": definition.choices,
                    "defaultParameterValue": None if default is None else {"value": default},
                }
            )
        )
    return PendingInput(
        id=raw.id,
        message=raw.message,
        ok_text=raw.proceedText or "Proceed",
        submitter=None,
        parameters=tuple(parameters),
    )
