"""The routes at the root of the simulated Jenkins: the root object, the queue, the CSRF
crumb issuer, the people (`whoAmI`, `me`, `user/<id>`) and the nodes (`computer`)."""

from __future__ import annotations

import functools

from releasegate.simulators.jenkins import api, computers, identity
from releasegate.simulators.jenkins.export import Exporter
from releasegate.simulators.jenkins.responses import (
    Request,
    Response,
    html_page,
    login_required,
    not_found,
    require_post,
)
from releasegate.simulators.jenkins.security import CRUMB_FIELD, SESSION_COOKIE, Caller, Security
from releasegate.simulators.jenkins.state import World


class RootRoutes:
    def __init__(
        self, world: World, export: Exporter, security: Security, context_path: str
    ) -> None:
        self.world = world
        self.export = export
        self.security = security
        self.context_path = context_path

    def route(self, request: Request, caller: Caller, segments: list[str]) -> Response:
        if not segments:
            return html_page("Dashboard")
        if api.is_api(segments):
            readable = functools.partial(caller.may, "read")
            return api.serve(request, segments[1], self.export.root_object(readable))
        if segments[:1] == ["crumbIssuer"] and api.is_api(segments[1:]):
            return self._issue_crumb(request, caller, segments[2])
        if segments == ["queue", "cancelItem"]:
            require_post(request)
            return self._cancel_item(request, caller)
        if segments[:1] == ["queue"]:
            return self._queue(request, segments[1:])
        if segments[:1] in (["me"], ["user"], ["computer"]):
            return self._people_and_nodes(request, caller, segments)
        raise not_found()

    def _queue(self, request: Request, rest: list[str]) -> Response:
        if api.is_api(rest):
            return api.serve(request, rest[1], self.export.queue())
        if len(rest) == 4 and rest[0] == "item" and api.is_api(rest[2:]):
            item = self.world.queue_item(int(rest[1])) if rest[1].isdigit() else None
            if item is None:
                raise not_found()
            return api.serve(request, rest[3], self.export.queue_item(item))
        raise not_found()

    def _people_and_nodes(self, request: Request, caller: Caller, segments: list[str]) -> Response:
        if segments[0] == "me" and api.is_api(segments[1:]):
            if caller.user is None:
                raise login_required("/me is not available when not logged in")
            return api.serve(request, segments[2], identity.user(caller.user, self.export.root))
        if segments[0] == "user" and len(segments) == 4 and api.is_api(segments[2:]):
            # The default IdStrategy compares user ids case-insensitively.
            found = next(
                (u for u in self.world.users.values() if u.name.lower() == segments[1].lower()),
                None,
            )
            if found is None:
                raise not_found()
            return api.serve(request, segments[3], identity.user(found, self.export.root))
        if segments[0] == "computer" and api.is_api(segments[1:]):
            return api.serve(request, segments[2], computers.computer_set(self.export))
        # Jenkins.getComputer: "(master)" still names the built-in node, for old URLs.
        built_in = segments[1:2] in (["(built-in)"], ["(master)"])
        if segments[0] == "computer" and built_in and api.is_api(segments[2:]):
            return api.serve(request, segments[3], computers.built_in(self.export))
        raise not_found()

    def who_am_i(self, request: Request, caller: Caller, rest: list[str]) -> Response:
        if not rest:
            return html_page("Who Am I")
        if api.is_api(rest):
            return api.serve(request, rest[1], identity.who_am_i(caller))
        raise not_found()

    def _issue_crumb(self, request: Request, caller: Caller, flavour: str) -> Response:
        if not self.world.scenario.csrf:
            raise not_found()
        crumb, new_session = self.security.issue_crumb(caller)
        issuer = {
            "_class": "hudson.security.csrf.DefaultCrumbIssuer",
            "crumb": crumb,
            "crumbRequestField": CRUMB_FIELD,
        }
        response = api.serve(request, flavour, issuer)
        if new_session is not None:
            cookie = f"{SESSION_COOKIE}={new_session}; Path={self.context_path}; HttpOnly"
            response.headers["Set-Cookie"] = cookie
        return response

    def _cancel_item(self, request: Request, caller: Caller) -> Response:
        """Queue.doCancelItem (2.211+): 404 unknown or gone, 422 without Item.CANCEL."""
        raw = request.first("id") or "0"
        item = self.world.queue.get(int(raw)) if raw.isdigit() else None
        if item is None or not item.live or not caller.may("read", item.job.full_name):
            return Response(404, f"Provided id ({raw}) not found".encode())
        if not caller.may("cancel", item.job.full_name):
            return Response(422, f"Item for id ({raw}) is not cancellable".encode())
        self.world.cancel(item.id)
        return Response(204)

    # -- builds -------------------------------------------------------------------
