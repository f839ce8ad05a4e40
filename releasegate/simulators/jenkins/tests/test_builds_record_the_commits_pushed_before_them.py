"""Change sets: commits pushed to a job's repository land in its next build, exported
as the Git plugin exports them (`changeSets` on a pipeline run, `changeSet` on a
freestyle build), and pruned by `tree` and `depth` like the rest of the API."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import parse_scenario
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.state import World
from releasegate.simulators.jenkins.tests.calls import build_json, job_path, start_build

FRONTEND = "mall/web-frontend"
BATCH = "payment/settlement-batch"
FIX = {"message": "Fix the cart total\n\nRounding was off by a cent.", "author": "Li Lei"}
FEATURE = {
    "message": "Add coupons",
    "author": "Han Meimei",
    "author_email": "han@example.com",
    "id": "a" * 40,
    "paths": ["src/coupons.ts"],
}


def test_it_records_the_pushed_commits_in_the_next_build_only(
    jenkins: JenkinsSimulator, api: httpx.Client, sim: SimulatorControl
) -> None:
    pushed_ms = sim.now_ms()
    ids = sim.push_commits(FRONTEND, FIX, FEATURE)
    first = start_build(api, FRONTEND, ENV="staging")
    sim.advance(600)  # the job runs one build at a time
    second = start_build(api, FRONTEND, ENV="prod")

    change_sets = build_json(api, FRONTEND, first)["changeSets"]

    assert len(ids) == 2 and ids[1] == "a" * 40
    assert [s["_class"] for s in change_sets] == ["hudson.plugins.git.GitChangeSetList"]
    assert change_sets[0]["kind"] == "git"
    fix, feature = change_sets[0]["items"]
    assert fix["_class"] == "hudson.plugins.git.GitChangeSet"
    assert (fix["commitId"], fix["msg"], fix["author"]["fullName"]) == (
        ids[0],
        "Fix the cart total",
        "Li Lei",
    )
    assert fix["comment"] == FIX["message"] + "\n"
    assert abs(fix["timestamp"] - pushed_ms) < 1000
    assert feature["affectedPaths"] == ["src/coupons.ts"]
    assert feature["author"]["absoluteUrl"] == f"{jenkins.url}user/han"
    assert build_json(api, FRONTEND, second)["changeSets"] == []


def test_it_serves_change_sets_through_a_tree_query(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    sim.push_commits(FRONTEND, FEATURE)
    start_build(api, FRONTEND, ENV="staging")
    tree = "builds[number,changeSets[items[commitId,msg,author[fullName]]]]{0,5}"

    job = api.get(f"{job_path(FRONTEND)}api/json", params={"tree": tree}).json()

    items = [
        {
            "_class": "hudson.plugins.git.GitChangeSet",
            "commitId": "a" * 40,
            "msg": "Add coupons",
            "author": {"_class": "hudson.model.User", "fullName": "Han Meimei"},
        }
    ]
    assert job["builds"] == [
        {
            "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
            "number": 1,
            "changeSets": [{"_class": "hudson.plugins.git.GitChangeSetList", "items": items}],
        }
    ]


def test_it_shows_change_sets_at_any_depth(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.push_commits(FRONTEND, FEATURE)
    start_build(api, FRONTEND, ENV="staging")

    entry = build_json(api, FRONTEND, 1, depth=0)["changeSets"][0]["items"][0]

    assert entry["author"] == {
        "_class": "hudson.model.User",
        "absoluteUrl": entry["author"]["absoluteUrl"],
        "fullName": "Han Meimei",
    }
    assert entry["paths"] == [{"editType": "edit", "file": "src/coupons.ts"}]


def test_a_freestyle_build_exports_one_change_set(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, BATCH)
    sim.advance(600)
    sim.push_commits(BATCH, FIX)
    start_build(api, BATCH)

    empty = build_json(api, BATCH, 1)["changeSet"]
    recorded = build_json(api, BATCH, 2)["changeSet"]

    assert empty == {"_class": "hudson.scm.EmptyChangeLogSet", "items": [], "kind": None}
    assert recorded["_class"] == "hudson.plugins.git.GitChangeSetList"
    assert [item["msg"] for item in recorded["items"]] == ["Fix the cart total"]


def test_a_scenario_gives_a_job_commits_for_its_first_build() -> None:
    scenario = parse_scenario({"jobs": [{"path": "app", "commits": [FIX]}]})

    job = World(scenario).job("app")

    assert job is not None
    assert [commit.spec.author for commit in job.pending_commits] == ["Li Lei"]


def test_the_control_api_names_an_unknown_job(jenkins: JenkinsSimulator) -> None:
    response = httpx.post(f"{jenkins.url}_sim/commits", json={"job": "nope", "commits": [FIX]})

    assert response.status_code == 404
    assert "nope" in response.json()["error"]
