"""A typed client for the parts of Jenkins' REST API that ReleaseGate drives.

Every call has explicit timeouts; every failure is an `OutboundError` whose `permanent`
flag says whether retrying can help; the API token or password never appears in a log
line or an exception message. No Django imports: the catalog, the worker and the
simulator's tests all use it as a plain library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit

from releasegate.integrations.jenkins import errors
from releasegate.integrations.jenkins.access import AccessChecks
from releasegate.integrations.jenkins.change_sets import ChangeSets
from releasegate.integrations.jenkins.listing import list_all_jobs
from releasegate.integrations.jenkins.models import (
    Build,
    ConsoleChunk,
    JobListing,
    ParameterValue,
    PendingInput,
    QueueItem,
    QueueState,
    Triggered,
    value_as_text,
)
from releasegate.integrations.jenkins.parsing import (
    build_from,
    carries,
    pending_input_from,
    pending_input_from_stage_view,
    queue_item_from,
    task_job_path,
    validated,
)
from releasegate.integrations.jenkins.raw import (
    RAW_JOB,
    RawBuild,
    RawBuildActions,
    RawBuildList,
    RawJob,
    RawPendingInputActions,
    RawQueue,
    RawQueueItem,
)
from releasegate.integrations.jenkins.session import (
    ApiTokenAuth,
    JenkinsAuth,
    PasswordAuth,
    job_path,
)

__all__ = ["ApiTokenAuth", "JenkinsAuth", "JenkinsClient", "PasswordAuth", "job_path"]


_QUEUE_LOCATION = re.compile(r"/queue/item/(\d+)/?$")
_BUILD_FIELDS = (
    "number,url,building,result,duration,timestamp,queueId,"
    "actions[_class,waitingForInput,parameters[_class,name,value],"
    "causes[_class,shortDescription,userId]],"
    "changeSets[items[timestamp]],changeSet[items[timestamp]]"
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


class JenkinsClient(AccessChecks, ChangeSets):
    """The operations ReleaseGate performs on one Jenkins. Not thread-safe: give each
    thread its own client."""

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

        def fetch(path: str) -> RawJob:
            response = self._send("GET", path, "the job list", params={"tree": self._listing_tree})
            return validated(RAW_JOB, response, "the job list")

        folders, jobs = list_all_jobs(fetch, job_path)
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
        Raises `TriggerRefused` when Jenkins declines to queue it (302 to the job page).
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
            ok=(201, 302, 303),
        )
        if response.status_code == 302:
            # A QueueDecisionHandler refused to schedule it: Jenkins redirects to the job
            # page instead of a queue item (ParameterizedJobMixIn.doBuildWithParameters).
            raise errors.TriggerRefused(f"{what}: Jenkins refused to queue the build", status=302)
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
        return queue_item_from(raw)

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
        wanted = unquote(job_path(full_name) + "/")
        return [
            queue_item_from(entry)
            for entry in raw.items
            if entry.task and task_job_path(entry.task.url) == wanted
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
        return [build_from(entry) for entry in raw.builds or []]

    def build(self, full_name: str, number: int) -> Build:
        raw = self._get(
            RawBuild,
            f"{job_path(full_name)}/{number}/api/json",
            f"build {full_name} #{number}",
            tree=_BUILD_FIELDS,
        )
        return build_from(raw)

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
            if (item.in_queue_since_ms or 0) >= since_ms and carries(item.parameters, wanted)
        ]
        builds = [
            build
            for build in self.builds(full_name)
            if build.timestamp_ms >= since_ms and carries(build.parameters, wanted)
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
                pending_input_from(execution.input)
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
        return [pending_input_from_stage_view(entry) for entry in raw.root]

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
        if unknown:
            raise errors.InvalidRequest(
                f"input {pending.id} of {full_name} #{number} has no parameter {', '.join(unknown)}"
            )
        if not declared:
            self._answer_input(full_name, number, pending.id, "proceedEmpty")
            return {}
        sent = {name: given.get(name, parameter.default) for name, parameter in declared.items()}
        payload = {"parameter": [{"name": name, "value": value} for name, value in sent.items()]}
        self._answer_input(full_name, number, pending.id, "proceed", {"json": json.dumps(payload)})
        return sent

    def abort_input(self, full_name: str, number: int, input_id: str) -> None:
        """Reject an `input` step; the build ends ABORTED."""
        self._answer_input(full_name, number, input_id, "abort")

    def _answer_input(
        self,
        full_name: str,
        number: int,
        input_id: str,
        action: str,
        data: Mapping[str, str] | None = None,
    ) -> None:
        """POST one answer. Once an input is answered Jenkins removes it from the build
        (InputStepExecution.postSettlement), so a second answer meets 404 like an unknown
        id does: `InputNotWaiting`. Only a racing answer sees the 400 "already given"."""
        what = f"input {input_id} of {full_name} #{number}"
        path = f"{job_path(full_name)}/{number}/input/{quote(input_id, safe='')}/{action}"
        try:
            self._send("POST", path, what, data=data, ok=_POST_DONE)
        except errors.NotFound:
            raise errors.InputNotWaiting(
                f"{what} is not waiting for an answer (already answered, not reached yet, "
                "or not the id Jenkins shows)"
            ) from None
