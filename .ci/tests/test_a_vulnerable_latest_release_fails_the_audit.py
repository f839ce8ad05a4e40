"""The latest-release audit fails on an advisory for a locked package that is the latest
release, and only then."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_pypi import FakePyPI, run_audit


@pytest.fixture
def pypi() -> Iterator[FakePyPI]:
    with FakePyPI() as server:
        yield server


def test_it_passes_when_the_latest_release_is_locked_and_clean(pypi: FakePyPI) -> None:
    outcome = run_audit(pypi.url, "latest-clean==1.4.0")

    assert outcome.status == 0
    assert outcome.summary == (
        "dependency audit (PyPI latest-release data): 1 of 1 packages audited, 0 vulnerable, "
        "0 not audited (older than the latest release), 0 unreachable"
    )
    assert not [line for line in outcome.lines if "BLOCKED" in line]
    assert outcome.report["audited"] == [{"name": "latest-clean", "version": "1.4.0"}]


def test_it_fails_on_an_advisory_for_the_locked_latest_release(pypi: FakePyPI) -> None:
    outcome = run_audit(pypi.url, "latest-clean==1.4.0", "latest-vulnerable==2.0.0")

    assert outcome.status == 1
    assert "latest-vulnerable 2.0.0: GHSA-aaaa-bbbb-cccc (fixed in 2.0.1)" in outcome.lines
    assert outcome.summary.endswith("2 of 2 packages audited, 1 vulnerable, "
        "0 not audited (older than the latest release), 0 unreachable")  # fmt: skip
    assert outcome.report["vulnerable"] == [
        {
            "name": "latest-vulnerable",
            "version": "2.0.0",
            "id": "GHSA-aaaa-bbbb-cccc",
            "aliases": ["CVE-2026-12345"],
            "fixed_in": ["2.0.1"],
        }
    ]


def test_it_ignores_a_withdrawn_advisory(pypi: FakePyPI) -> None:
    outcome = run_audit(pypi.url, "latest-withdrawn==3.1")

    assert outcome.status == 0
    assert outcome.summary.endswith("1 of 1 packages audited, 0 vulnerable, "
        "0 not audited (older than the latest release), 0 unreachable")  # fmt: skip
    assert outcome.report["vulnerable"] == []


def test_it_reads_a_pin_with_a_platform_marker_and_an_unnormalised_version(
    pypi: FakePyPI,
) -> None:
    outcome = run_audit(pypi.url, "latest-withdrawn==3.1.0 ; sys_platform == 'win32'")

    assert outcome.status == 0
    assert outcome.report["audited"] == [{"name": "latest-withdrawn", "version": "3.1.0"}]
