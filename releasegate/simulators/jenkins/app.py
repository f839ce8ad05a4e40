"""The simulated Jenkins' HTTP API: routing and every endpoint.

Transport-free: `JenkinsApp.handle(request)` turns a parsed request into a response, so
the server (server.py) only adds sockets and faults. The routes at the root (queue,
crumbs, people, nodes) are root_routes.py's; the `api/*` flavours api.py's; who may do
what is security.py's; input steps are input_steps.py's; stage view's JSON is
stage_view.py's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import unquote

from releasegate.simulators.jenkins import api, input_steps
from releasegate.simulators.jenkins.context_menu import context_menu
from releasegate.simulators.jenkins.export import Exporter, console_bytes, item_path
from releasegate.simulators.jenkins.model import SimBuild, SimFolder, SimJob, SimQueueItem
from releasegate.simulators.jenkins.parameters import (
    parse_delay,
    resolve,
    submitted_form,
    submitted_values,
)
from releasegate.simulators.jenkins.responses import (
    JenkinsFailure,
    Request,
    Response,
    error_page,
    failure,
    html_page,
    json_response,
    not_found,
    redirect,
    require_post,
)
from releasegate.simulators.jenkins.root_routes import RootRoutes
from releasegate.simulators.jenkins.security import Caller, Security
from releasegate.simulators.jenkins.stage_view import StageView
from releasegate.simulators.jenkins.state import World

# Query names buildWithParameters reserves for itself (ParameterizedJobMixIn).
RESERVED_QUERY = {"delay", "token", "cause"}
PERMALINKS: dict[str, Callable[[SimBuild], bool]] = {
    "lastBuild": lambda b: True,
    "lastCompletedBuild": lambda b: not b.building,
    "lastSuccessfulBuild": lambda b: b.result in ("SUCCESS", "UNSTABLE"),
    "lastFailedBuild": lambda b: b.result == "FAILURE",
    "lastStableBuild": lambda b: b.result == "SUCCESS",
    "lastUnstableBuild": lambda b: b.result == "UNSTABLE",
    "lastUnsuccessfulBuild": lambda b: not b.building and b.result != "SUCCESS",
}


class JenkinsApp:
    def __init__(self, world: World, root_url: str) -> None:
        self.world = world
        self.export = Exporter(world, root_url)
        self.stage_view = StageView(world, root_url)
        self.context_path = self.stage_view.context_path
        self.security = Security(world.users, world.scenario.csrf)
        self.root = RootRoutes(world, self.export, self.security, self.context_path)

    # -- entry --------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            caller = self.security.authenticate(request)
            if request.method == "POST":
                self.security.check_crumb(request, caller)
            segments = self._segments(request.path)
            if segments[:1] == ["whoAmI"]:
                # An UnprotectedRootAction: served without Overall/Read.
                return self.root.who_am_i(request, caller, segments[1:])
            self.security.need(caller, "read")
            with self.world.lock:
                self.world.advance()
                return self._route(request, caller)
        except JenkinsFailure as error:
            return error_page(request.path, error)

    # -- routing ------------------------------------------------------------------

    def _segments(self, path: str) -> list[str]:
        """The path's segments below the context path (`/jenkins/` behind a prefix);
        paths without the prefix are served too."""
        if self.context_path != "/" and (path + "/").startswith(self.context_path):
            path = path[len(self.context_path) - 1 :]
        return [unquote(segment) for segment in path.split("/") if segment]

    def _route(self, request: Request, caller: Caller) -> Response:
        segments = self._segments(request.path)
        item: SimFolder | SimJob | None = None
        children = self.world.root
        while len(segments) >= 2 and segments[0] == "job":
            found = children.get(segments[1])
            if found is None or not caller.may("read", found.full_name):
                # Jenkins hides an item the caller may not read (ItemGroup.getItem).
                raise not_found()
            item, segments = found, segments[2:]
            children = found.children if isinstance(found, SimFolder) else {}
        if item is None:
            return self.root.route(request, caller, segments)
        if isinstance(item, SimFolder):
            return self._route_folder(request, caller, item, segments)
        return self._route_job(request, caller, item, segments)

    def _route_folder(
        self, request: Request, caller: Caller, folder: SimFolder, rest: list[str]
    ) -> Response:
        if not rest:
            return html_page(folder.display_name)
        if api.is_api(rest):
            readable = functools.partial(caller.may, "read")
            return api.serve(request, rest[1], self.export.folder(folder, readable))
        raise not_found()

    def _route_job(
        self, request: Request, caller: Caller, job: SimJob, rest: list[str]
    ) -> Response:
        if not rest:
            return html_page(job.spec.display_name or job.name)
        if api.is_api(rest):
            return api.serve(request, rest[1], self.export.job(job))
        if rest == ["contextMenu"]:
            return json_response(context_menu(job, caller, self.context_path))
        if rest == ["build"]:
            return self._build(request, caller, job)
        if rest == ["buildWithParameters"]:
            return self._build_with_parameters(request, caller, job)
        if rest == ["wfapi", "runs"] and self._stage_view(job):
            return json_response([self.stage_view.describe(b) for b in reversed(job.builds)])
        build = self._find_build(job, rest[0])
        if build is None:
            raise not_found()
        return self._route_build(request, caller, build, rest[1:])

    def _find_build(self, job: SimJob, key: str) -> SimBuild | None:
        if key.isdigit():
            return next((b for b in job.builds if b.number == int(key)), None)
        if key == "firstBuild":
            return job.builds[0] if job.builds else None
        test = PERMALINKS.get(key)
        matching = [b for b in job.builds if test(b)] if test else []
        return matching[-1] if matching else None

    def _route_build(
        self, request: Request, caller: Caller, build: SimBuild, rest: list[str]
    ) -> Response:
        if not rest or rest == ["console"]:
            return html_page(f"{build.job.full_name} #{build.number}")
        if api.is_api(rest):
            return api.serve(request, rest[1], self.export.build(build))
        if rest == ["consoleText"]:
            return Response(200, console_bytes(build), "text/plain;charset=UTF-8")
        if rest == ["logText", "progressiveText"]:
            return self._progressive_text(request, build)
        # Pipelines also have `term` and `kill` (WorkflowRun); freestyle builds only `stop`.
        stops = ("stop", "term", "kill") if build.spec.kind == "pipeline" else ("stop",)
        if len(rest) == 1 and rest[0] in stops:
            return self._stop(request, caller, build)
        if rest[0] == "input" and build.input_state != "none":
            return self._input(request, caller, build, rest[1:])
        if rest[0] == "wfapi" and self._stage_view(build.job):
            return self._wfapi(request, caller, build, rest[1:])
        raise not_found()

    def _stage_view(self, job: SimJob) -> bool:
        return self.world.scenario.stage_view and job.spec.kind == "pipeline"

    # -- reading ------------------------------------------------------------------

    def _progressive_text(self, request: Request, build: SimBuild) -> Response:
        text = console_bytes(build)
        raw_start = request.first("start") or "0"
        start = int(raw_start) if raw_start.isdigit() else 0
        if start > len(text):
            start = 0  # LargeText.doProgressText resets an offset beyond the end.
        headers = {"X-Text-Size": str(len(text))}
        if build.building:
            headers["X-More-Data"] = "true"
        return Response(200, text[start:], "text/plain;charset=UTF-8", headers)

    # -- triggering ---------------------------------------------------------------

    def _build(self, request: Request, caller: Caller, job: SimJob) -> Response:
        """ParameterizedJobMixIn.doBuild, in its order: not buildable (409), the
        parameter form on GET, permission and POST, then the queue."""
        delay = parse_delay(request.first("delay"))
        if job.spec.disabled:
            raise JenkinsFailure(409, f"{job.full_name} is not buildable")
        if job.spec.parameters and request.method != "POST":
            return html_page(f"{job.full_name} [Build with Parameters]", "<form></form>")
        self._check_build_permission(request, caller, job)
        cause = _user_cause(caller)
        if not job.spec.parameters:
            # 201 with the item's Location even when merged (TODO JENKINS-66105).
            item, _ = self.world.trigger(job, None, cause, delay)
            return redirect(self._queue_location(request, item), 201)
        form = submitted_form(request)
        values = submitted_values(job.spec.parameters, form)
        item, merged = self.world.trigger(job, values, cause, delay)
        if merged:
            # Queue.schedule returns only new items; the user is sent to the job page.
            return redirect(self._location(request, "."), 302)
        target = form.get("redirectTo")
        location = (
            self._location(request, target)
            if isinstance(target, str) and _safe_to_redirect_to(target)
            else self._queue_location(request, item)
        )
        return redirect(location, _status_code(form.get("statusCode")))

    def _build_with_parameters(self, request: Request, caller: Caller, job: SimJob) -> Response:
        """ParameterizedJobMixIn.doBuildWithParameters: permission and POST first."""
        delay = parse_delay(request.first("delay"))
        self._check_build_permission(request, caller, job)
        if job.spec.disabled:
            raise JenkinsFailure(409, f"{job.full_name} is not buildable!")
        if not job.spec.parameters:
            raise failure(f"{job.full_name} is not parameterized")
        values = {k: v for k, v in request.query.items() if k not in RESERVED_QUERY}
        for name, given in request.form.items():
            values.setdefault(name, []).extend(given)
        parameters = resolve(job.spec.parameters, values)
        item, merged = self.world.trigger(job, parameters, _user_cause(caller), delay)
        # 303 when merged into an identical queued item (Jenkins 2.308+).
        return redirect(self._queue_location(request, item), 303 if merged else 201)

    def _check_build_permission(self, request: Request, caller: Caller, job: SimJob) -> None:
        """BuildAuthorizationToken.checkPermission: Item.BUILD, then POST (405)."""
        self.security.need(caller, "build", job.full_name)
        require_post(request)

    def _queue_location(self, request: Request, item: SimQueueItem) -> str:
        return self._location(request, f"{self.context_path}queue/item/{item.id}/")

    def _location(self, request: Request, url: str) -> str:
        """Stapler's sendRedirect: relative to the request URI, made absolute with the
        scheme and host the caller used (not the configured root URL)."""
        if url.startswith(("http://", "https://")):
            return url
        if not url.startswith("/"):
            base = request.path[: request.path.rindex("/") + 1]
            url = base if url == "." else base + url
        return request.origin() + url

    def _stop(self, request: Request, caller: Caller, build: SimBuild) -> Response:
        """Run.doStop: a no-op on a finished build; back to the previous page."""
        require_post(request)
        self.security.need(caller, "cancel", build.job.full_name)
        self.world.stop(build, caller.name)
        return redirect(self._location(request, request.headers.get("referer") or "."), 302)

    def _input(
        self, request: Request, caller: Caller, build: SimBuild, rest: list[str]
    ) -> Response:
        if not rest:
            return html_page(f"{build.job.full_name} #{build.number} [Input]")
        if (
            len(rest) != 2
            or rest[1] not in input_steps.ACTIONS
            or input_steps.pending_input(build, rest[0]) is None
        ):
            raise not_found()
        require_post(request)
        input_steps.answer(self.world, request, caller, build, rest[1])
        if rest[1] == "submit":
            console = f"{self.context_path}{item_path(build.job.full_name)}{build.number}/console"
            return redirect(self._location(request, console), 302)
        return Response(200)

    def _wfapi(
        self, request: Request, caller: Caller, build: SimBuild, rest: list[str]
    ) -> Response:
        if rest == ["describe"]:
            return json_response(self.stage_view.describe(build))
        if rest == ["pendingInputActions"]:
            return json_response(self.stage_view.pending_input_actions(build))
        if rest == ["nextPendingInputAction"]:
            pending = self.stage_view.pending_input_actions(build)
            return json_response(pending[0] if pending else None)
        if rest == ["inputSubmit"]:
            require_post(request)
            input_steps.submit_from_stage_view(self.world, request, caller, build)
            return json_response(None)
        raise not_found()


def _user_cause(caller: Caller) -> dict[str, str]:
    return {
        "_class": "hudson.model.Cause$UserIdCause",
        "shortDescription": f"Started by user {caller.name}",
        "userId": caller.name,
        "userName": caller.name,
    }


def _safe_to_redirect_to(url: str) -> bool:
    """Util.isSafeToRedirectTo: relative URLs only (no open redirects)."""
    return ":" not in url and not url.startswith("//")


def _status_code(raw: object) -> int:
    """JSONObject.optInt("statusCode", 201)."""
    try:
        return int(str(raw)) if raw is not None else 201
    except ValueError:
        return 201
