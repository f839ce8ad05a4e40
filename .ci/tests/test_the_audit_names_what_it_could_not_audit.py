"""What the latest-release audit cannot see is listed, counted and called BLOCKED, never
passed as clean: a locked release older than the latest, and a project PyPI does not
serve."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fake_pypi import FakePyPI, run_audit


@pytest.fixture
def pypi() -> Iterator[FakePyPI]:
    with FakePyPI() as server:
        yield server


def test_a_release_older_than_the_latest_is_not_audited(pypi: FakePyPI) -> None:
    outcome = run_audit(pypi.url, "newer-published==4.2.0")

    assert outcome.status == 0
    assert "newer-published: not audited: locked 4.2.0, latest 5.0.0" in outcome.lines
    assert outcome.summary.endswith("0 of 1 packages audited, 0 vulnerable, "
        "1 not audited (older than the latest release), 0 unreachable")  # fmt: skip
    assert outcome.report["not_audited"] == [
        {"name": "newer-published", "locked": "4.2.0", "latest": "5.0.0"}
    ]
    assert any(line.startswith("dependency audit BLOCKED for 1 of 1") for line in outcome.lines)


def test_an_old_release_of_a_vulnerable_project_is_not_audited_rather_than_failed(
    pypi: FakePyPI,
) -> None:
    outcome = run_audit(pypi.url, "latest-vulnerable==1.9.0")

    assert outcome.status == 0
    assert outcome.report["vulnerable"] == []
    assert outcome.report["not_audited"] == [
        {"name": "latest-vulnerable", "locked": "1.9.0", "latest": "2.0.0"}
    ]


def test_a_project_pypi_does_not_serve_is_unreachable_and_a_5xx_is_tried_twice(
    pypi: FakePyPI,
) -> None:
    outcome = run_audit(pypi.url, "not-on-pypi==1.0", "server-error==1.0")

    assert outcome.status == 0
    assert "not-on-pypi 1.0: not audited: HTTP 404" in outcome.lines
    assert "server-error 1.0: not audited: HTTP 500" in outcome.lines
    assert outcome.summary.endswith("0 of 2 packages audited, 0 vulnerable, "
        "0 not audited (older than the latest release), 2 unreachable")  # fmt: skip
    assert (
        "dependency audit BLOCKED for 2 of 2 packages: PyPI's project JSON could not be fetched"
        in outcome.lines
    )
    assert pypi.requests == {"/pypi/not-on-pypi/json": 1, "/pypi/server-error/json": 2}


def test_a_release_newer_than_the_latest_is_not_audited_and_counted_apart(
    pypi: FakePyPI,
) -> None:
    outcome = run_audit(pypi.url, "latest-clean==1.5.0rc1")

    assert outcome.status == 0
    assert outcome.summary.endswith("0 of 1 packages audited, 0 vulnerable, "
        "0 not audited (older than the latest release), "
        "1 not audited (newer than the latest release), 0 unreachable")  # fmt: skip
    assert outcome.report["newer_than_latest"] == [
        {"name": "latest-clean", "locked": "1.5.0rc1", "latest": "1.4.0"}
    ]


def test_an_answer_that_is_not_a_project_document_is_unreachable(pypi: FakePyPI) -> None:
    outcome = run_audit(pypi.url, "odd-answer==1.0")

    assert outcome.status == 0
    assert outcome.report["unreachable"] == [
        {
            "name": "odd-answer",
            "version": "1.0",
            "reason": "not a project document (info: Field required)",
        }
    ]


def test_a_refused_connection_is_unreachable_with_the_reason() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"

    outcome = run_audit(url, "latest-clean==1.4.0")

    assert outcome.status == 0
    assert outcome.report["unreachable"][0]["reason"].startswith(
        "GET /pypi/latest-clean/json connection failed"
    )


def test_the_summary_counts_every_kind_of_package_together(pypi: FakePyPI) -> None:
    # In a process of its own, as .ci/audit runs it: the exit status is what CI sees.
    outcome = run_audit(
        pypi.url,
        "latest-clean==1.4.0",
        "latest-vulnerable==2.0.0",
        "latest-withdrawn==3.1",
        "newer-published==4.2.0",
        "not-on-pypi==1.0",
        "server-error==1.0",
        process=True,
    )

    assert outcome.status == 1
    assert outcome.summary == (
        "dependency audit (PyPI latest-release data): 3 of 6 packages audited, 1 vulnerable, "
        "1 not audited (older than the latest release), 2 unreachable"
    )
    assert [len(outcome.report[kind]) for kind in ("audited", "not_audited", "unreachable")] == [
        3,
        1,
        2,
    ]
