"""The dependency audit that still works when pip-audit cannot reach its advisory data.

pip-audit reads PyPI's per-version JSON (`/pypi/<name>/<version>/json`) or OSV. From the
build machine the first answers 404 and api.osv.dev does not resolve (checked on
2026-11-26), while the project JSON (`/pypi/<name>/json`) answers. pip-audit has no way
to use the project JSON, so this audit reads it itself. That document describes one
release only, the latest (`info.version`), and lists the advisories affecting that
release (`vulnerabilities`: `id`, `aliases`, `fixed_in`, `withdrawn`...). So a locked
package is audited only when it is the latest release; any other is listed as not
audited, never passed as clean.

Usage: `audit_latest.py [--pypi-url URL] REQUIREMENTS`, where REQUIREMENTS is the output
of `uv export --no-hashes --format requirements-txt` (`-` for stdin). Prints one line per
finding, a summary line and a JSON object; exits 1 when an audited package has a known
vulnerability, 0 otherwise (a package that could not be audited is printed as BLOCKED,
not failed: an unreachable service is not a finding).
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import httpx
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ValidationError

from releasegate.lib.http import TRANSIENT_STATUSES, OutboundClient, OutboundError, Timeouts

DEFAULT_PYPI_URL = "https://pypi.org"
# A few requests at a time: enough to audit ~90 packages in seconds, polite to PyPI.
PARALLEL_REQUESTS = 4

State = Literal["audited", "older", "newer", "unreachable"]


class Vulnerability(BaseModel):
    id: str
    aliases: list[str] = []
    fixed_in: list[str] = []
    # When the advisory was withdrawn (published in error): it then affects nothing.
    withdrawn: str | None = None


class ProjectInfo(BaseModel):
    version: str


class Project(BaseModel):
    """The parts of PyPI's project JSON this audit reads."""

    info: ProjectInfo
    vulnerabilities: list[Vulnerability] = []


@dataclass(frozen=True)
class LockedPackage:
    name: str
    version: str


@dataclass
class Finding:
    """What is known about one locked package. `latest` is None when PyPI did not answer
    (then `unreachable` says why); `vulnerabilities` are those of `latest`, so the
    package's own only when its state is "audited"."""

    package: LockedPackage
    latest: str | None = None
    unreachable: str | None = None
    vulnerabilities: list[Vulnerability] = field(default_factory=list)

    @property
    def state(self) -> State:
        if self.latest is None:
            return "unreachable"
        try:
            locked, latest = Version(self.package.version), Version(self.latest)
        except InvalidVersion:
            return "audited" if self.package.version == self.latest else "older"
        if locked == latest:
            return "audited"
        return "older" if locked < latest else "newer"


def parse_locked(requirements: str) -> list[LockedPackage]:
    """Every `name==version` pin, whatever platform its marker names: the lock serves them
    all, so a pin for Windows only is audited too."""
    packages = []
    for line in requirements.splitlines():
        pin = line.split(";", 1)[0].strip()
        if pin and not pin.startswith(("#", "-")) and "==" in pin:
            name, version = pin.split("==", 1)
            packages.append(LockedPackage(name.strip(), version.strip()))
    return packages


def fetch_project(client: OutboundClient, name: str) -> Project:
    """PyPI's project JSON for `name`. A transient failure (no answer, 429, 5xx) is tried
    once more. Raises OutboundError when there is no usable answer."""
    try:
        return _project(client.request("GET", f"/pypi/{name}/json"))
    except OutboundError as error:
        if error.permanent:
            raise
    return _project(client.request("GET", f"/pypi/{name}/json"))


def _project(response: httpx.Response) -> Project:
    status = response.status_code
    if status != 200:
        transient = status in TRANSIENT_STATUSES
        raise OutboundError(
            f"HTTP {status}", service="pypi", permanent=not transient, status=status
        )
    try:
        return Project.model_validate_json(response.text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        reason = f"not a project document ({where}: {first['msg']})"
        raise OutboundError(reason, service="pypi", permanent=True) from None


def audit_package(client: OutboundClient, package: LockedPackage) -> Finding:
    try:
        project = fetch_project(client, package.name)
    except OutboundError as error:
        return Finding(package, unreachable=error.message)
    current = [vuln for vuln in project.vulnerabilities if not vuln.withdrawn]
    return Finding(package, latest=project.info.version, vulnerabilities=current)


def audit(packages: list[LockedPackage], pypi_url: str) -> list[Finding]:
    """One finding per package, in the order given."""
    with (
        OutboundClient(service="pypi", base_url=pypi_url, timeouts=Timeouts.uniform(15)) as client,
        ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool,
    ):
        return list(pool.map(lambda package: audit_package(client, package), packages))


def report(findings: list[Finding]) -> dict[str, list[dict[str, Any]]]:
    """The findings sorted into the lists the JSON summary prints."""
    by_state: dict[State, list[Finding]] = {state: [] for state in get_args(State)}
    for finding in findings:
        by_state[finding.state].append(finding)

    def not_latest(finding: Finding) -> dict[str, Any]:
        package = finding.package
        return {"name": package.name, "locked": package.version, "latest": finding.latest}

    return {
        "audited": [asdict(f.package) for f in by_state["audited"]],
        "vulnerable": [
            {**asdict(f.package), **vuln.model_dump(include={"id", "aliases", "fixed_in"})}
            for f in by_state["audited"]
            for vuln in f.vulnerabilities
        ],
        "not_audited": [not_latest(f) for f in by_state["older"]],
        "newer_than_latest": [not_latest(f) for f in by_state["newer"]],
        "unreachable": [
            {**asdict(f.package), "reason": f.unreachable} for f in by_state["unreachable"]
        ],
    }


def print_report(lists: dict[str, list[dict[str, Any]]], total: int) -> None:
    for vuln in lists["vulnerable"]:
        fixed = ", ".join(vuln["fixed_in"]) or "no fixed release yet"
        print(f"{vuln['name']} {vuln['version']}: {vuln['id']} (fixed in {fixed})")
    for entry in lists["not_audited"] + lists["newer_than_latest"]:
        print(f"{entry['name']}: not audited: locked {entry['locked']}, latest {entry['latest']}")
    for entry in lists["unreachable"]:
        print(f"{entry['name']} {entry['version']}: not audited: {entry['reason']}")
    older, newer = len(lists["not_audited"]), len(lists["newer_than_latest"])
    vulnerable = len({vuln["name"] for vuln in lists["vulnerable"]})
    print(
        f"dependency audit (PyPI latest-release data): {len(lists['audited'])} of {total} "
        f"packages audited, {vulnerable} vulnerable, {older} not audited (older than the "
        f"latest release)"
        + (f", {newer} not audited (newer than the latest release)" if newer else "")
        + f", {len(lists['unreachable'])} unreachable"
    )
    _print_blocked(older + newer, len(lists["unreachable"]), total)
    print(json.dumps(lists))


def _print_blocked(not_latest: int, unreachable: int, total: int) -> None:
    if not_latest:
        print(
            f"dependency audit BLOCKED for {not_latest} of {total} packages: they lock a "
            "release other than the latest, and PyPI's project JSON describes only the latest"
        )
    if unreachable:
        print(
            f"dependency audit BLOCKED for {unreachable} of {total} packages: "
            "PyPI's project JSON could not be fetched"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", help="uv export output; - for stdin")
    parser.add_argument("--pypi-url", default=DEFAULT_PYPI_URL, help="default: %(default)s")
    args = parser.parse_args(argv)
    if args.requirements == "-":
        packages = parse_locked(sys.stdin.read())
    else:
        packages = parse_locked(Path(args.requirements).read_text())
    lists = report(audit(packages, args.pypi_url.rstrip("/")))
    print_report(lists, len(packages))
    return 1 if lists["vulnerable"] else 0


if __name__ == "__main__":
    sys.exit(main())
