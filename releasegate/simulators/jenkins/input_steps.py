"""Answering a pipeline `input` step: `input/<ID>/{proceed,proceedEmpty,abort,submit}`
and stage view's `wfapi/inputSubmit`.

Source: jenkinsci/pipeline-input-step-plugin InputStepExecution and InputAction,
jenkinsci/pipeline-stage-view-plugin RunAPI.doInputSubmit. Once answered, an input's
execution is removed from the build's InputAction (postSettlement; InputStepTest asserts
`getExecutions().size() == 0`), so later answers find nothing: 404 on `input/<ID>/...`.
"This input has been already given" is only what a request racing the first one sees.
"""

from __future__ import annotations

from releasegate.simulators.jenkins.export_input import input_id
from releasegate.simulators.jenkins.model import SimBuild
from releasegate.simulators.jenkins.parameters import input_values, submitted_form
from releasegate.simulators.jenkins.responses import (
    JenkinsFailure,
    Request,
    failure,
    not_found,
)
from releasegate.simulators.jenkins.scenario import InputSpec
from releasegate.simulators.jenkins.security import Caller
from releasegate.simulators.jenkins.state import World

ACTIONS = ("proceed", "proceedEmpty", "abort", "submit")
SUBMIT_ERROR = "Error processing Input Submit request."


def pending_input(build: SimBuild, identifier: str) -> InputSpec | None:
    """The waiting input with exactly this id (InputAction.getExecution: no
    normalisation, so `deploy-approval` does not find `Deploy-approval`)."""
    spec = build.spec.input
    if spec is None or not build.waiting_for_input or identifier != input_id(spec):
        return None
    return spec


def answer(world: World, request: Request, caller: Caller, build: SimBuild, action: str) -> None:
    """Proceed with or abort the build's waiting input; raises Jenkins' refusals."""
    spec = build.spec.input
    if spec is None or action not in ACTIONS:
        raise not_found()
    aborting = action == "abort" or (action == "submit" and "proceed" not in request.form)
    if aborting:
        _check_may_abort(caller, spec.submitter, build.job.full_name)
        world.abort_input(build, caller.name)
        return
    _check_may_submit(caller, spec.submitter, build.job.full_name)
    values = (
        {} if action == "proceedEmpty" else input_values(spec.parameters, submitted_form(request))
    )
    world.proceed(build, values, caller.name)


def submit_from_stage_view(world: World, request: Request, caller: Caller, build: SimBuild) -> None:
    """RunAPI.doInputSubmit: every refusal comes back wrapped, as a 500."""
    identifier = request.first("inputId") or ""
    if build.input_state == "none":
        raise _wrapped(f"{SUBMIT_ERROR} This Run instance does not have an InputAction.")
    if pending_input(build, identifier) is None:
        raise _wrapped(
            f"{SUBMIT_ERROR} This Run instance does not have an Input with an ID of "
            f"'{identifier}'. The input ID may not be pre-normalized appropriately."
        )
    try:
        answer(world, request, caller, build, "proceed")
    except JenkinsFailure as error:
        raise _wrapped(f"{SUBMIT_ERROR}\nCaused by: {error.message}") from None


def _wrapped(message: str) -> JenkinsFailure:
    # stage view's @ServeJson turns any exception into this RuntimeException.
    return JenkinsFailure(
        500,
        "java.lang.RuntimeException: Unexpected exception while serving JSON\n"
        f"Caused by: jakarta.servlet.ServletException: {message}",
        "exception",
    )


def _submitters(submitter: str) -> set[str]:
    # Compared with the realm's IdStrategy: case-insensitive by default, names trimmed.
    return {name.strip().lower() for name in submitter.split(",") if name.strip()}


def _may_submit(caller: Caller, submitter: str, job: str) -> bool:
    if not submitter:
        return caller.may("build", job)
    return caller.may("admin", job) or caller.name.lower() in _submitters(submitter)


def _check_may_submit(caller: Caller, submitter: str, job: str) -> None:
    if _may_submit(caller, submitter, job):
        return
    if submitter:
        raise failure(f"You need to be {submitter} to submit this.")
    raise failure("You need to have Job/Build permissions to submit this.")


def _check_may_abort(caller: Caller, submitter: str, job: str) -> None:
    if caller.may("cancel", job) or _may_submit(caller, submitter, job):
        return
    if submitter:
        raise failure(
            f"You need to be '{submitter}' (or have Job/Cancel permissions) to cancel this."
        )
    raise failure("You need to have Job/Cancel permissions to cancel this.")
