"""The chaos run's operator retries (see chaos.py): two jobs are disabled in Jenkins for the
drive, so their releases end in ERROR at the trigger (409, a permanent refusal); once
the drive is over they are enabled again and an operator retries every release in ERROR
through the API (`POST /api/releases/<id>/retry`), as `releasegate retry` would, while
Jenkins still fails, answers late and loses answers. The verdict's counters hold them to
exactly one build each like any other release.

Jobs 0 and 1: one declares RELEASEGATE_RELEASE_ID, one does not, so a retry's recovery is
played both ways (by id, by parameters). Neither waits at an input step. The catalog was
synced before the drive and is not synced again within a run (chaos_services.CONFIG turns
the periodic sync off), so the forms still offer both jobs."""

from __future__ import annotations

import time
import tomllib
from collections import Counter
from typing import Any

import httpx
from chaos_services import scenario

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import parse_scenario

BROKEN = (0, 1)
# An approval revoked or terminated since: asking again cannot change the answer.
FINAL = "no longer holds"


class Retries:
    def __init__(self, jenkins: SimulatorControl, server_url: str, jobs: int) -> None:
        self.jenkins, self.server_url = jenkins, server_url.rstrip("/")
        spec = parse_scenario(tomllib.loads(scenario(jobs)))
        self.specs = [spec.jobs[n].model_dump() for n in BROKEN if n < len(spec.jobs)]
        self.answers: Counter[str] = Counter()
        self.retried: set[int] = set()

    def break_jobs(self) -> None:
        for job in self.specs:
            self.jenkins.put_job(**{**job, "disabled": True})

    def fix_and_retry(self, seconds: float = 240) -> None:
        """Enable the jobs again, then retry every release in ERROR until none is left
        but those whose approval no longer holds (or `seconds` pass): a retry refused
        because another release of the job is active is asked again a moment later."""
        for job in self.specs:
            self.jenkins.put_job(**job)
        token = _operator_token()
        final: set[int] = set()
        give_up = time.monotonic() + seconds
        with httpx.Client(headers={"Authorization": f"Token {token}"}, timeout=30) as http:
            while time.monotonic() < give_up:
                waiting = [i for i in _in_error() if i not in final]
                if not waiting:
                    return
                for release_id in waiting:
                    if self._retry(http, release_id) == "final":
                        final.add(release_id)
                time.sleep(1.0)

    def _retry(self, http: httpx.Client, release_id: int) -> str:
        url = f"{self.server_url}/api/releases/{release_id}/retry"
        try:
            answer = http.post(url, json={"reason": "job enabled again"}, headers=_ENGLISH)
        except httpx.HTTPError:
            self.answers["unanswered"] += 1
            return "again"
        self.answers[str(answer.status_code)] += 1
        if answer.status_code == 200:
            self.retried.add(release_id)
        if answer.status_code == 409 and FINAL in answer.json().get("detail", ""):
            return "final"
        return "again"

    def summary(self) -> dict[str, Any]:
        return {"releases_retried": len(self.retried), "answers": dict(self.answers)}


_ENGLISH = {"Accept-Language": "en"}


def _in_error() -> list[int]:
    from releasegate.releases.models import Release, ReleaseState

    errors = Release.objects.filter(state=ReleaseState.ERROR).order_by("pk")
    return list(errors.values_list("pk", flat=True))


def _operator_token() -> str:
    """A staff user's API token: staff may retry releases."""
    from django.contrib.auth.models import User

    from releasegate.api.tokens import issue

    operator, _ = User.objects.get_or_create(username="chaos-operator", defaults={"is_staff": True})
    return issue(operator)
