"""A typed client for the parts of Jenkins' REST API that ReleaseGate drives.

Every call has explicit timeouts; every failure is an `OutboundError` whose `permanent`
flag says whether retrying can help; the API token or password never appears in a log
line or an exception message. No Django imports: the catalog, the worker and the
simulator's tests all use it as a plain library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.listing import list_all_jobs, listing_tree
from releasegate.integrations.jenkins.models import (
    QUEUE_STATES,
    Build,
    BuildResult,
    Cause,
    ConsoleChunk,
    JobListing,
    ParameterDefinition,
    ParameterValue,
    PendingInput,
    QueueItem,
    QueueState,
    RawAction,
    RawBuild,
    RawBuildList,
    RawInput,
    RawParameterDefinition,
    RawPendingInputActions,
    RawQueue,
    RawQueueItem,
    RawStageViewDefinition,
    RawStageViewInput,
    Triggered,
    plain_value,
    value_as_text,
)
from releasegate.lib.http import OutboundClient, Timeouts
from releasegate.lib.redact import register_secret

M = TypeVar("M", bound=BaseModel)


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

_QUEUE_LOCATION = re.compile(r"/queue/item/(\d+)/?$")
_BUILD_FIELDS = (
    "number,url,building,result,duration,timestamp,queueId,"
    "actions[_class,waitingForInput,parameters[_class,name,value],"
    "causes[_class,shortDescription,userId]]"
)
_INPUT_TREE = (
    "actions[_class,waitingForInput,executions[id,settled,input[id,message,ok,submitter,"
    "parameters[_class,name,type,description,choices,defaultParameterValue[_class,name,value]]]]]"
)
_QUEUE_ITEM_FIELDS = (
    "_class,id,why,inQueueSince,cancelled,executable[number,url],task[url,name],"
    "actions[_class,parameters[_class,name,value]]"
)
# Answers to POSTs that Jenkins finishes with a redirect (Stapler's HttpResponses).
_POST_DONE = (200, 302, 303)


def job_path(full_name: str) -> str:
    """The URL path of a job: each folder segment quoted on its own.

    Multibranch names already contain `%2F`; quoting again (to `%252F`) is what Jenkins
    expects. Empty, `.` and `..` segments are refused so a name cannot walk elsewhere.
    """
    segments = full_name.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"not a Jenkins job name: {full_name!r}")
    return "/job/" + "/job/".join(quote(segment, safe="") for segment in segments)


class JenkinsClient:
    """One Jenkins server. Not thread-safe: give each thread its own client."""

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

    def __enter__(self) -> JenkinsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------

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
        """Send a request; raise the typed error unless the status is in `ok`."""
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
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            where = ".".join(str(part) for part in exc.errors()[0]["loc"])
            raise errors.UnexpectedResponse(
                f"{what}: Jenkins answered an unexpected shape (at {where or 'the top'})"
            ) from None

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
                body: dict[str, Any] = response.json()
                self._crumb = {str(body["crumbRequestField"]): str(body["crumb"])}
        return self._crumb

    # -- jobs -----------------------------------------------------------------------

    def server_version(self) -> str:
        """Jenkins' version (`X-Jenkins`); also proves the URL and credentials work."""
        self._send("GET", "api/json", "Jenkins", params={"tree": "mode"})
        if not self.version:
            raise errors.UnexpectedResponse("the server did not identify itself as Jenkins")
        return self.version

    def list_jobs(self) -> JobListing:
        """Every job and folder with parameter definitions, in as few requests as the
        folder depth allows: one, plus one per folder deeper than the tree reaches."""
        before = self.request_count

        def fetch(path: str) -> Any:
            return self._send(
                "GET", path, "the job list", params={"tree": self._listing_tree}
            ).json()

        try:
            folders, jobs = list_all_jobs(fetch, job_path)
        except (ValidationError, ValueError) as exc:
            raise errors.UnexpectedResponse(
                f"the job list has an unexpected shape: {exc}"
            ) from None
        return JobListing(folders=folders, jobs=jobs, requests=self.request_count - before)

    # -- triggering -----------------------------------------------------------------

    def trigger(
        self,
        full_name: str,
        parameters: Mapping[str, ParameterValue] | None,
        *,
        delay_seconds: int = 0,
    ) -> Triggered:
        """Queue a build and return its queue item.

        `parameters=None` is for jobs without parameters (`/build`); a mapping, even an
        empty one, uses `buildWithParameters`, where Jenkins fills in defaults for the
        names left out. Values travel in the form body, not the URL, so they stay out of
        proxy logs. `delay` carries its unit: Jenkins reads a bare number as milliseconds.
        """
        what = f"job {full_name}"
        endpoint = "build" if parameters is None else "buildWithParameters"
        form = {name: value_as_text(value) for name, value in (parameters or {}).items()}
        response = self._send(
            "POST",
            f"{job_path(full_name)}/{endpoint}",
            what,
            params={"delay": f"{delay_seconds}sec"},
            data=form or None,
            ok=(201, 303),
        )
        location = response.headers.get("Location", "")
        match = _QUEUE_LOCATION.search(urlsplit(location).path)
        if match is None:
            raise errors.UnexpectedResponse(f"{what}: no queue item in Location {location!r}")
        # 303: Jenkins (2.308+) merged the request into an identical queued item.
        return Triggered(queue_id=int(match.group(1)), merged=response.status_code == 303)

    # -- queue ----------------------------------------------------------------------

    def queue_item(self, queue_id: int) -> QueueItem | None:
        """The queue item, or None once Jenkins forgot it (five minutes after it left)."""
        try:
            raw = self._get(
                RawQueueItem,
                f"queue/item/{queue_id}/api/json",
                f"queue item {queue_id}",
                tree=_QUEUE_ITEM_FIELDS,
            )
        except errors.NotFound:
            return None
        return _queue_item(raw)

    def resolve_queue_item(self, full_name: str, queue_id: int) -> QueueItem:
        """Where a triggered build stands: still queued, started (with its number),
        cancelled, or UNKNOWN when the item expired and no build of the job carries its
        id (matched on the build's `queueId`, never guessed from numbers)."""
        item = self.queue_item(queue_id)
        if item is not None:
            return item
        for build in self.builds(full_name):
            if build.queue_id == queue_id:
                return QueueItem(
                    id=queue_id,
                    state=QueueState.STARTED,
                    build_number=build.number,
                    build_url=build.url,
                )
        return QueueItem(id=queue_id, state=QueueState.UNKNOWN)

    def cancel_queue_item(self, queue_id: int) -> bool:
        """Cancel a queued item. True if cancelled; False if it had already left the
        queue or never existed (Jenkins 2.211+ answers 204 and 404)."""
        try:
            self._send(
                "POST",
                "queue/cancelItem",
                f"queue item {queue_id}",
                params={"id": str(queue_id)},
                ok=(204, *_POST_DONE),
            )
        except errors.NotFound:
            return False
        return True

    def queued_items(self, full_name: str) -> list[QueueItem]:
        """Items of this job still in the queue (waiting, blocked or buildable)."""
        raw = self._get(
            RawQueue, "queue/api/json", "the queue", tree=f"items[{_QUEUE_ITEM_FIELDS}]"
        )
        suffix = job_path(full_name) + "/"
        return [
            _queue_item(entry)
            for entry in raw.items
            if entry.task and urlsplit(entry.task.url or "").path.endswith(suffix)
        ]

    # -- builds ---------------------------------------------------------------------

    def builds(self, full_name: str, *, limit: int = 50) -> list[Build]:
        """The job's newest builds, newest first: one request however many are running."""
        raw = self._get(
            RawBuildList,
            f"{job_path(full_name)}/api/json",
            f"job {full_name}",
            tree=f"builds[{_BUILD_FIELDS}]{{0,{limit}}}",
        )
        return [_build(entry) for entry in raw.builds or []]

    def build(self, full_name: str, number: int) -> Build:
        raw = self._get(
            RawBuild,
            f"{job_path(full_name)}/{number}/api/json",
            f"build {full_name} #{number}",
            tree=_BUILD_FIELDS,
        )
        return _build(raw)

    def find_matching(
        self, full_name: str, parameters: Mapping[str, ParameterValue], *, since_ms: int
    ) -> tuple[list[QueueItem], list[Build]]:
        """Queue items and builds of the job that carry every given parameter value and
        entered the queue (items) or started (builds) at or after `since_ms`.

        Used after a crash to find what an earlier trigger attempt created. Values Jenkins
        does not export (passwords) cannot be compared and are taken as equal.
        """
        wanted = {name: value_as_text(value) for name, value in parameters.items()}
        items = [
            item
            for item in self.queued_items(full_name)
            if (item.in_queue_since_ms or 0) >= since_ms and _carries(item.parameters, wanted)
        ]
        builds = [
            build
            for build in self.builds(full_name)
            if build.timestamp_ms >= since_ms and _carries(build.parameters, wanted)
        ]
        return items, builds

    def stop_build(self, full_name: str, number: int) -> None:
        """Ask Jenkins to abort a running build; a finished build is left as it is."""
        self._send(
            "POST",
            f"{job_path(full_name)}/{number}/stop",
            f"build {full_name} #{number}",
            ok=_POST_DONE,
        )

    def console(self, full_name: str, number: int, *, start: int = 0) -> ConsoleChunk:
        """Console text from byte offset `start` (`logText/progressiveText`)."""
        response = self._send(
            "GET",
            f"{job_path(full_name)}/{number}/logText/progressiveText",
            f"console of {full_name} #{number}",
            params={"start": str(start)},
        )
        size = response.headers.get("X-Text-Size", "")
        return ConsoleChunk(
            text=response.content.decode("utf-8", errors="replace"),
            next_start=int(size) if size.isdigit() else start + len(response.content),
            more=response.headers.get("X-More-Data", "").lower() == "true",
        )

    def console_tail(self, full_name: str, number: int, *, max_lines: int = 50) -> str:
        """The last `max_lines` lines of the console as it stands now."""
        lines = self.console(full_name, number).text.splitlines()
        return "\n".join(lines[-max_lines:])

    # -- input steps ----------------------------------------------------------------

    def pending_inputs(self, full_name: str, number: int) -> list[PendingInput]:
        """The build's `input` steps waiting for an answer, with their parameters.

        Read from the build JSON (pipeline-input-step 466+ exports the executions); when
        an older plugin exports only `waitingForInput`, from the stage view's
        `wfapi/pendingInputActions`.
        """
        what = f"build {full_name} #{number}"
        raw = self._get(
            RawBuildActions, f"{job_path(full_name)}/{number}/api/json", what, tree=_INPUT_TREE
        )
        for action in raw.actions:
            if action is None or not action.class_.endswith(".InputAction"):
                continue
            if action.executions is None:
                if action.waitingForInput:
                    return self._pending_inputs_from_stage_view(full_name, number)
                return []
            return [
                _pending_input(execution.input)
                for execution in action.executions
                if not execution.settled and execution.input is not None
            ]
        return []

    def _pending_inputs_from_stage_view(self, full_name: str, number: int) -> list[PendingInput]:
        raw = self._get(
            RawPendingInputActions,
            f"{job_path(full_name)}/{number}/wfapi/pendingInputActions",
            f"pending inputs of {full_name} #{number}",
        )
        return [_pending_input_from_stage_view(entry) for entry in raw.root]

    def proceed_input(
        self,
        full_name: str,
        number: int,
        pending: PendingInput,
        values: Mapping[str, ParameterValue] | None = None,
    ) -> dict[str, ParameterValue]:
        """Answer an `input` step with "proceed" and return the values sent.

        Jenkins does not default omitted input parameters (the pipeline would see null),
        so every declared parameter is sent: the given value or the declared default.
        Names the input does not declare raise `InvalidRequest` before anything is sent.
        """
        given = dict(values or {})
        declared = {parameter.name: parameter for parameter in pending.parameters}
        unknown = sorted(set(given) - set(declared))
        what = f"input {pending.id} of {full_name} #{number}"
        if unknown:
            raise errors.InvalidRequest(f"{what} has no parameter {', '.join(unknown)}")
        base = f"{job_path(full_name)}/{number}/input/{quote(pending.id, safe='')}"
        if not declared:
            self._send("POST", f"{base}/proceedEmpty", what, ok=_POST_DONE)
            return {}
        sent = {name: given.get(name, parameter.default) for name, parameter in declared.items()}
        payload = {"parameter": [{"name": name, "value": value} for name, value in sent.items()]}
        self._send(
            "POST", f"{base}/proceed", what, data={"json": json.dumps(payload)}, ok=_POST_DONE
        )
        return sent

    def abort_input(self, full_name: str, number: int, input_id: str) -> None:
        """Reject an `input` step; the build ends ABORTED."""
        self._send(
            "POST",
            f"{job_path(full_name)}/{number}/input/{quote(input_id, safe='')}/abort",
            f"input {input_id} of {full_name} #{number}",
            ok=_POST_DONE,
        )


class RawBuildActions(BaseModel):
    actions: list[RawAction | None] = []


def _carries(actual: Mapping[str, ParameterValue], wanted: Mapping[str, str]) -> bool:
    for name, value in wanted.items():
        if name not in actual:
            return False
        if actual[name] is not None and value_as_text(actual[name]) != value:
            return False
    return True


def _parameters(actions: Iterable[RawAction | None]) -> dict[str, ParameterValue]:
    return {
        value.name: plain_value(value.value)
        for action in actions
        if action is not None
        for value in action.parameters or []
        if value.name is not None
    }


def _queue_item(raw: RawQueueItem) -> QueueItem:
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
        parameters=_parameters(raw.actions),
    )


def _build(raw: RawBuild) -> Build:
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
        parameters=_parameters(actions),
        causes=causes,
        waiting_for_input=any(action.waitingForInput for action in actions),
    )


def _pending_input(raw: RawInput) -> PendingInput:
    return PendingInput(
        id=raw.id,
        message=raw.message,
        ok_text=raw.ok or "Proceed",
        submitter=raw.submitter or None,
        parameters=tuple(ParameterDefinition.from_raw(p) for p in raw.parameters),
    )


def _pending_input_from_stage_view(raw: RawStageViewInput) -> PendingInput:
    parameters = []
    for entry in raw.inputs:
        definition = entry.definition or RawStageViewDefinition()
        default = definition.defaultVal
        parameters.append(
            ParameterDefinition.from_raw(
                RawParameterDefinition.model_validate(
                    {
                        "name": entry.name,
                        "type": entry.type,
                        "description": entry.description,
                        "choices": definition.choices,
                        "defaultParameterValue": None if default is None else {"value": default},
                    }
                )
            )
        )
    return PendingInput(
        id=raw.id,
        message=raw.message,
        ok_text=raw.proceedText or "Proceed",
        submitter=None,
        parameters=tuple(parameters),
    )
