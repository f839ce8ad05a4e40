"""The request page of ReleaseGate's own approvals and the release page show what the
release changes: its parameters beside the application's last good release (the ones
that differ highlighted), the commits Jenkins (the simulator, over the wire) recorded
since that release's build, the database change and the time, in Chinese and English."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import Release, ReleaseState
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import DEMO_TOKEN, DEMO_USER
from releasegate.web.tests.records import stored_release

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals", "jenkins_configured"),
]
WEB = "mall/web-frontend"
ASKED = ReleaseRequest(
    project="mall",
    application=WEB,
    db_change="是",
    db_change_done="否",
    parameters={"BRANCH": "release/2026.11", "ENV": "prod"},
)


@pytest.fixture
def jenkins_configured(settings: Settings, jenkins: JenkinsSimulator) -> None:
    jenkins_settings = dataclasses.replace(
        settings.CONFIG.jenkins, url=jenkins.url, user=DEMO_USER, token=DEMO_TOKEN
    )
    settings.CONFIG = dataclasses.replace(settings.CONFIG, jenkins=jenkins_settings)


@pytest.fixture
def good(jenkins_client: JenkinsClient, sim: SimulatorControl) -> Release:
    """Build #1 (one commit) released well, then build #2 with two more commits."""
    sim.push_commits(WEB, {"message": "Old work", "author": "Li Lei"})
    jenkins_client.trigger(WEB, {"BRANCH": "hotfix/cart-total", "ENV": "prod"})
    sim.advance(600)
    sim.push_commits(
        WEB,
        {"message": "Fix the cart <script>", "author": "Li Lei"},
        {"message": "Add coupons", "author": "Han Meimei"},
    )
    jenkins_client.trigger(WEB, {"BRANCH": "master", "ENV": "staging"})
    sim.advance(600)
    finished = datetime.now(UTC) - timedelta(days=1)
    return stored_release(
        "good-1",
        received_at=finished - timedelta(hours=1),
        application=WEB,
        job_full_name=WEB,
        build_number=1,
        finished_at=finished,
        approved_parameters={"BRANCH": "hotfix/cart-total", "ENV": "prod"},
    )


def page_of(client: Client, person: Callable[..., User], path: str, language: str) -> str:
    client.force_login(person("lisi"))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(path).content.decode()


def section(page: str) -> str:
    found = re.search(r'<section class="changes".*?</section>', page, re.S)
    assert found is not None, "no changes section"
    return found.group(0)


def changed_rows(changes: str) -> list[str]:
    return re.findall(r'data-parameter="(\w+)" class="changed"', changes)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["本次变更", "上次成功的发布", "有，未完成", "审批通过后立即发布"]),
        ("en", ["What changes", "Last good release", "yes, not done", "as soon as approved"]),
    ],
)
def test_the_request_page_shows_the_changes_to_its_approvers(
    client: Client, person: Callable[..., User], good: Release, language: str, words: list[str]
) -> None:
    asked = registry.for_requests().source.start("zhangsan", ASKED)

    changes = section(page_of(client, person, f"/requests/{asked}/", language))

    assert all(word in changes for word in words)
    assert f'href="/releases/{good.pk}/"' in changes
    assert changed_rows(changes) == ["BRANCH"]
    commits = re.findall(r'<li data-testid="commit">.*?</li>', changes, re.S)
    assert ["Add coupons" in commits[0], "Fix the cart &lt;script&gt;" in commits[1]] == [True] * 2
    assert len(commits) == 2 and "Old work" not in changes


def test_the_release_page_lists_the_commits_up_to_its_own_build(
    client: Client, person: Callable[..., User], good: Release
) -> None:
    later = stored_release(
        "later-2",
        received_at=datetime.now(UTC),
        state=ReleaseState.RUNNING,
        application=WEB,
        job_full_name=WEB,
        build_number=2,
        approved_parameters={"BRANCH": "master", "ENV": "staging"},
    )

    changes = section(page_of(client, person, f"/releases/{later.pk}/", "en"))

    assert changed_rows(changes) == ["BRANCH", "ENV"]
    assert len(re.findall(r'data-testid="commit"', changes)) == 2


def test_a_first_release_says_there_is_nothing_to_compare(
    client: Client, person: Callable[..., User]
) -> None:
    asked = registry.for_requests().source.start("zhangsan", ASKED)

    changes = section(page_of(client, person, f"/requests/{asked}/", "zh-hans"))

    assert "该应用的首次发布" in changes
    assert changed_rows(changes) == []


def test_the_page_says_changes_are_unavailable_when_jenkins_fails(
    client: Client, person: Callable[..., User], good: Release, sim: SimulatorControl
) -> None:
    asked = registry.for_requests().source.start("zhangsan", ASKED)
    sim.set_faults(error_rate=1.0)

    changes = section(page_of(client, person, f"/requests/{asked}/", "en"))

    assert "Changes unavailable: Jenkins did not answer." in changes
    assert changed_rows(changes) == ["BRANCH"]


def test_jenkins_is_not_asked_again_at_once_after_it_failed_to_answer(
    client: Client, person: Callable[..., User], good: Release, sim: SimulatorControl
) -> None:
    asked = registry.for_requests().source.start("zhangsan", ASKED)
    sim.set_faults(error_rate=1.0)
    section(page_of(client, person, f"/requests/{asked}/", "en"))
    asked_before = sim.requests()["total"]

    again = section(client.get(f"/requests/{asked}/").content.decode())

    assert "Changes unavailable: Jenkins did not answer." in again
    assert sim.requests()["total"] == asked_before
