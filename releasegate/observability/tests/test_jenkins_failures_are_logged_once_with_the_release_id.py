"""An operator follows Jenkins failures in the log: each failed call once, with the
release's id (a field of its own in JSON), at WARNING while it will be tried again and at
ERROR when the release gives up; never with the credentials it was made with."""

from __future__ import annotations

import pytest

from releasegate.lib.http import OutboundError
from releasegate.observability.tests.json_logs import JsonLines
from releasegate.releases.models import ReleaseState
from releasegate.releases.operators import cancel_release
from releasegate.releases.tests.engine_harness import Harness

# Transactional: a state's move is logged once it is committed.
pytestmark = pytest.mark.django_db(transaction=True)

FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
VIEWER_TOKEN = "viewer-demo-token"


def failures(lines: list[dict[str, object]]) -> list[dict[str, object]]:
    """The failures logged, but for the news the test's fake platform cannot send."""
    return [
        line
        for line in lines
        if line["level"] in ("WARNING", "ERROR") and line["logger"] != "releasegate.outbox"
    ]


def test_a_retried_500_is_one_warning_per_attempt_with_the_release_id(
    harness: Harness, json_lines: JsonLines
) -> None:
    harness.sim.set_faults(error_rate=1, methods=["POST"])
    release = harness.approve(form=FORM)

    harness.until(lambda: release.events.filter(kind="retry").count() == 2, seconds=5)

    logged = failures(json_lines())
    assert [line["level"] for line in logged] == ["WARNING", "WARNING"]
    assert all(line["release_id"] == release.pk for line in logged)
    assert all(line["logger"] == "releasegate.engine" for line in logged)
    assert "attempt 1" in str(logged[0]["message"])
    assert "Jenkins answered 503" in str(logged[0]["message"])
    assert logged[0]["status"] == 503


def test_a_refused_permission_is_one_error_with_the_release_id_and_no_token(
    harness: Harness, json_lines: JsonLines, caplog: pytest.LogCaptureFixture
) -> None:
    harness.context.jenkins = harness.client(user="viewer", token=VIEWER_TOKEN)
    release = harness.approve(form=FORM)

    harness.run(passes=3)

    assert harness.state(release) == ReleaseState.ERROR
    [logged] = failures(json_lines())
    assert logged["level"] == "ERROR"
    assert logged["release_id"] == release.pk
    assert "trigger failed permanently" in str(logged["message"])
    assert "denied access" in str(logged["message"])
    errors = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert len([r for r in errors if r.name != "releasegate.outbox"]) == 1
    assert VIEWER_TOKEN not in caplog.text


def test_a_failed_catalog_sync_is_logged_with_its_id(
    harness: Harness, json_lines: JsonLines
) -> None:
    harness.sim.set_faults(error_rate=1, methods=["GET"])

    with pytest.raises(Exception, match="503"):
        harness.sync()

    [logged] = failures(json_lines())
    assert logged["level"] == "WARNING"
    assert logged["logger"] == "releasegate.catalog"
    assert isinstance(logged["sync_id"], int)
    assert "release_id" not in logged


def test_a_sync_with_refused_credentials_is_an_error(
    harness: Harness, json_lines: JsonLines
) -> None:
    harness.jenkins = harness.client(token="revoked-token")

    with pytest.raises(Exception, match="refused the credentials"):
        harness.sync()

    [logged] = failures(json_lines())
    assert (logged["level"], logged["status"]) == ("ERROR", 401)
    assert "revoked-token" not in str(logged)


def test_a_cancel_jenkins_refused_is_one_error_with_the_release_id(
    harness: Harness, json_lines: JsonLines
) -> None:
    # A build started by hand holds the (non-concurrent) job: the release waits queued.
    harness.jenkins.trigger("mall/order-service", {"TAG": "v3.7.1"})
    harness.tick(1)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.QUEUED)
    harness.sim.set_faults(error_rate=1, methods=["POST"])

    with pytest.raises(OutboundError):
        cancel_release(release.pk, actor="operator:ops", jenkins=harness.jenkins)

    [logged] = failures(json_lines())
    assert (logged["level"], logged["logger"]) == ("ERROR", "releasegate.operators")
    assert (logged["release_id"], logged["status"]) == (release.pk, 503)
    assert harness.state(release) == ReleaseState.QUEUED
