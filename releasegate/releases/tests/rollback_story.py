"""The order service's story before a rollback, made by the engine over the Jenkins
simulator's sockets: v3.7.2 released and succeeded, then v3.8.0 released and failed; and
what the rollback tests change after it (a worker of ReleaseGate's own approvals, a
freeze)."""

from __future__ import annotations

import dataclasses

import pytest
from pytest_django.fixtures import Settings

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.approvals import registry
from releasegate.releases.engine.worker import Worker
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.approvals import sources
from releasegate.releases.tests.engine_harness import Harness

GOOD_TAG, BAD_TAG = "v3.7.2", "v3.8.0"
APPLICATION = "mall/order-service"


def released(harness: Harness, instance_id: str, tag: str) -> Release:
    """An approved release of the order service at `tag`, run to its end."""
    release = harness.approve(instance_id, form={"分支或标签": tag})
    harness.until(lambda: harness.state(release) not in _RUNNING)
    return release


def good_then_bad(harness: Harness) -> tuple[Release, Release]:
    good = released(harness, "good", GOOD_TAG)
    harness.put_job(APPLICATION, result="FAILURE")
    bad = released(harness, "bad", BAD_TAG)
    harness.put_job(APPLICATION, result="SUCCESS")
    assert (good.state, bad.state) == (ReleaseState.SUCCEEDED, ReleaseState.FAILED)
    return good, bad


_RUNNING = {"RECEIVED", "SCHEDULED", "TRIGGERING", "QUEUED", "RUNNING", "WAITING_INPUT"}


def work_local_approvals(harness: Harness) -> None:
    """From now on the harness's worker also hears of ReleaseGate's own approvals."""
    local = registry.for_requests().source
    harness.worker = Worker(harness.context, sources={**sources(harness.approvals), "local": local})


def freeze_now(harness: Harness, settings: Settings, *, rollback_through: bool) -> None:
    """A freeze around now, for the submit check and the engine alike; rollbacks pass it
    when `rollback_through`."""
    update: dict[str, object] = {
        "freezes": [harness.freeze_around_now("双十二封网")],
        "rollback_through_freeze": rollback_through,
    }
    options = harness.context.options.model_copy(update=update)
    harness.context.options = options
    releases = settings.CONFIG.options.releases.model_copy(update=update)
    file_options = settings.CONFIG.options.model_copy(update={"releases": releases})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=file_options)


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    """The order service's deploy step is answered at once, so its releases run through."""
    rule = InputRule(job=APPLICATION, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})
