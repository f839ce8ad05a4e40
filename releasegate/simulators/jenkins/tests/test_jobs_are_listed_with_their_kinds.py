"""Listing: `/api/json?tree=jobs[...]`, folder paths, `_class` per kind and `color`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path, start_build
from releasegate.simulators.jenkins.tests.conftest import Connect

FOLDER = "com.cloudbees.hudson.plugins.folder.Folder"
PIPELINE = "org.jenkinsci.plugins.workflow.job.WorkflowJob"
FREESTYLE = "hudson.model.FreeStyleProject"
MULTIBRANCH = "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"
LISTING = "jobs[name,url,color,_class,fullName,jobs[name,url,color,jobs[name,url,color]]]"


def colors(api: httpx.Client) -> dict[str, str]:
    listing = api.get("job/mall/api/json", params={"tree": "jobs[name,color]"}).json()
    return {job["name"]: job["color"] for job in listing["jobs"]}


def test_it_lists_folders_and_their_jobs_in_one_request(
    jenkins: JenkinsSimulator, api: httpx.Client
) -> None:
    listing = api.get("api/json", params={"tree": LISTING}).json()

    assert listing["_class"] == "hudson.model.Hudson"
    payment = next(job for job in listing["jobs"] if job["name"] == "payment")
    assert payment == {
        "_class": FOLDER,
        "name": "payment",
        "url": f"{jenkins.url}job/payment/",
        "fullName": "payment",
        "jobs": [
            {
                "_class": PIPELINE,
                "name": "gateway",
                "url": f"{jenkins.url}job/payment/job/gateway/",
                "color": "nobuilt",
            },
            {
                "_class": FREESTYLE,
                "name": "settlement-batch",
                "url": f"{jenkins.url}job/payment/job/settlement-batch/",
                "color": "nobuilt",
            },
        ],
    }


def test_it_gives_folders_no_color(api: httpx.Client) -> None:
    listing = api.get("api/json", params={"tree": "jobs[name,color]"}).json()

    assert listing["jobs"] == [
        {"_class": FOLDER, "name": "mall"},
        {"_class": FOLDER, "name": "payment"},
        {"_class": FOLDER, "name": "ops"},
    ]


def test_it_serves_a_job_inside_a_folder_at_a_nested_job_path(api: httpx.Client) -> None:
    job = api.get("job/mall/job/order-service/api/json").json()

    assert job["_class"] == PIPELINE
    assert job["name"] == "order-service"
    assert job["fullName"] == "mall/order-service"
    assert job["displayName"] == "订单服务"
    assert job["fullDisplayName"] == "商城 » 订单服务"
    assert job["url"].endswith("/job/mall/job/order-service/")


def test_it_lists_a_folder_by_its_own_path(api: httpx.Client) -> None:
    folder = api.get("job/ops/api/json", params={"tree": "jobs[name,_class]"}).json()

    assert folder == {
        "_class": FOLDER,
        "jobs": [
            {"_class": FREESTYLE, "name": "nightly-backup"},
            {"_class": PIPELINE, "name": "config-center"},
        ],
    }


def test_it_answers_404_for_a_job_that_does_not_exist(api: httpx.Client) -> None:
    assert api.get("job/mall/job/no-such-service/api/json").status_code == 404
    assert api.get("job/order-service/api/json").status_code == 404


def test_it_shows_deeper_levels_as_classes_only_when_the_tree_runs_out(api: httpx.Client) -> None:
    listing = api.get("api/json", params={"tree": "jobs[name,jobs]"}).json()

    mall = listing["jobs"][0]
    assert mall["jobs"] == [{"_class": PIPELINE}] * 4


def test_it_classes_multibranch_projects_and_encodes_branch_names_twice(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    jenkins = start_jenkins(
        folders=[{"path": "shop", "kind": "multibranch"}],
        jobs=[{"path": "shop/feature%2Fcart"}, {"path": "shop/main"}],
    )
    api = connect(jenkins)

    listing = api.get("api/json", params={"tree": "jobs[name,url,jobs[name,url]]"}).json()

    shop = listing["jobs"][0]
    assert shop["_class"] == MULTIBRANCH
    assert shop["jobs"][0] == {
        "_class": PIPELINE,
        "name": "feature%2Fcart",
        "url": f"{jenkins.url}job/shop/job/feature%252Fcart/",
    }
    branch = api.get("job/shop/job/feature%252Fcart/api/json", params={"tree": "fullName"})
    assert branch.json()["fullName"] == "shop/feature%2Fcart"


def test_it_colors_jobs_by_their_last_build(api: httpx.Client, sim: SimulatorControl) -> None:
    assert colors(api)["web-frontend"] == "nobuilt"
    assert colors(api)["legacy-admin"] == "disabled"

    start_build(api, "mall/web-frontend")
    start_build(api, "mall/inventory-service")
    assert colors(api)["web-frontend"] == "nobuilt_anime"

    sim.advance(5)
    assert colors(api)["web-frontend"] == "blue"
    assert colors(api)["inventory-service"] == "red"

    start_build(api, "mall/web-frontend")
    assert colors(api)["web-frontend"] == "blue_anime"


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("mall/web-frontend", {"buildable": True, "disabled": False, "concurrentBuild": False}),
        ("mall/legacy-admin", {"buildable": False, "disabled": True, "concurrentBuild": False}),
    ],
)
def test_it_says_whether_a_job_can_be_built(
    api: httpx.Client, full_name: str, expected: dict[str, Any]
) -> None:
    tree = "buildable,disabled,concurrentBuild"
    job = api.get(f"{job_path(full_name)}api/json", params={"tree": tree}).json()

    assert {key: job[key] for key in expected} == expected
