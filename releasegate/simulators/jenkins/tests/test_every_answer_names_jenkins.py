"""Headers: `Server` and `X-Jenkins` on every answer, Api.setHeaders' on every `/api/*`
answer, `X-Hudson` where Functions.advertiseHeaders runs (pages, the login refusal)."""

from __future__ import annotations

import httpx
import pytest

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import VIEWER, job_path, trigger
from releasegate.simulators.jenkins.tests.conftest import Connect


@pytest.mark.parametrize(
    "path",
    ["", "api/json", "queue/api/json", f"{job_path('mall/order-service')}api/json"],
)
def test_it_names_its_version_on_reads(api: httpx.Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 200
    assert response.headers["X-Jenkins"] == "2.579"


def test_it_names_the_jetty_of_jenkins_2_579_as_its_server(api: httpx.Client) -> None:
    response = api.get("api/json")

    assert response.headers["Server"] == "Jetty(12.1.12)"
    assert len(response.headers["X-Jenkins-Session"]) == 8


def test_it_advertises_itself_on_pages_but_not_on_api_answers(api: httpx.Client) -> None:
    page = api.get("")
    answer = api.get("api/json")

    assert page.headers["X-Hudson"] == "1.395"
    assert page.headers["Content-Type"] == "text/html;charset=UTF-8"
    assert "X-Hudson" not in answer.headers


def test_it_answers_head_on_the_root_with_its_version(api: httpx.Client) -> None:
    response = api.head("")

    assert response.status_code == 200
    assert response.headers["X-Jenkins"] == "2.579"


def test_it_names_its_version_on_errors(
    jenkins: JenkinsSimulator, api: httpx.Client, connect: Connect
) -> None:
    answers = [
        api.get("job/no-such-job/api/json"),
        connect(jenkins, auth=None).get("api/json"),
        connect(jenkins, auth=("releasegate", "wrong")).get("api/json"),
        connect(jenkins, auth=VIEWER).post(f"{job_path('ops/nightly-backup')}build"),
        trigger(api, "mall/legacy-admin"),
    ]

    assert [answer.status_code for answer in answers] == [404, 403, 401, 403, 409]
    assert {answer.headers["X-Jenkins"] for answer in answers} == {"2.579"}


@pytest.mark.parametrize(
    "path",
    [
        "api/json",
        "queue/api/json",
        "crumbIssuer/api/json",
        f"{job_path('payment/gateway')}api/json",
        "job/mall/api/json?tree=jobs[name]",
        "api/xml",
        "api/python",
        "whoAmI/api/json",
    ],
)
def test_it_forbids_sniffing_and_framing_of_api_answers(api: httpx.Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "deny"


def test_it_serves_error_pages_as_html_not_json(api: httpx.Client) -> None:
    response = api.get("job/no-such-job/api/json")

    assert response.headers["Content-Type"].startswith("text/html")
    assert "HTTP ERROR 404" in response.text


def test_it_repeats_a_failures_message_in_x_error(api: httpx.Client) -> None:
    # error.jelly sets X-Error; api4jenkins reports a 400 by it.
    response = api.post(f"{job_path('ops/nightly-backup')}buildWithParameters")

    assert response.status_code == 400
    assert response.headers["X-Error"] == "ops/nightly-backup is not parameterized"
