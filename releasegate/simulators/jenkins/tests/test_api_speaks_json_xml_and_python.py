"""`api/json`, `api/xml` and `api/python` of every object, written as Stapler writes them."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ElementTree

import httpx
import pytest

from releasegate.simulators.jenkins.tests.calls import ORDER_SERVICE, job_path, start_build

OBJECTS = [
    ("", "hudson", "hudson.model.Hudson"),
    ("job/mall/", "folder", "com.cloudbees.hudson.plugins.folder.Folder"),
    (job_path(ORDER_SERVICE), "workflowJob", "org.jenkinsci.plugins.workflow.job.WorkflowJob"),
    (job_path("ops/nightly-backup"), "freeStyleProject", "hudson.model.FreeStyleProject"),
    ("queue/", "queue", "hudson.model.Queue"),
    ("computer/", "computerSet", "hudson.model.ComputerSet"),
    ("me/", "user", "hudson.model.User"),
    ("whoAmI/", "whoAmI", "hudson.security.WhoAmI"),
    ("crumbIssuer/", "defaultCrumbIssuer", "hudson.security.csrf.DefaultCrumbIssuer"),
]


def parse(response: httpx.Response) -> ElementTree.Element:
    assert response.status_code == 200, response.text
    return ElementTree.fromstring(response.text)  # noqa: S314 (our own simulator)


@pytest.mark.parametrize(("path", "element", "java_class"), OBJECTS)
def test_it_names_the_xml_root_after_the_class(
    api: httpx.Client, path: str, element: str, java_class: str
) -> None:
    response = api.get(f"{path}api/xml")

    assert response.headers["Content-Type"] == "application/xml;charset=UTF-8"
    root = parse(response)
    assert (root.tag, root.get("_class")) == (element, java_class)


@pytest.mark.parametrize(("path", "element", "java_class"), OBJECTS)
def test_it_serves_the_same_object_as_a_python_literal(
    api: httpx.Client, path: str, element: str, java_class: str
) -> None:
    python = api.get(f"{path}api/python")
    as_json = api.get(f"{path}api/json").json()

    assert python.headers["Content-Type"] == "text/x-python;charset=UTF-8"
    literal = ast.literal_eval(python.text)
    assert literal["_class"] == java_class
    if element not in ("defaultCrumbIssuer", "computerSet"):  # crumbs and ages differ
        assert literal == as_json


def test_it_writes_true_false_and_none_in_python(api: httpx.Client) -> None:
    text = api.get("api/python", params={"tree": "useCrumbs,quietingDown,description"}).text

    assert text == (
        '{"_class":"hudson.model.Hudson","description":None,"quietingDown":False,"useCrumbs":True}'
    )


def test_it_repeats_list_elements_under_the_singular_and_leaves_nulls_out(
    api: httpx.Client,
) -> None:
    root = parse(api.get("job/mall/api/xml", params={"tree": "jobs[name],description"}))

    assert [job.findtext("name") for job in root.findall("job")] == [
        "web-frontend",
        "order-service",
        "inventory-service",
        "legacy-admin",
    ]
    assert root.find("jobs") is None


def test_it_indents_pretty_json_as_stapler_does(api: httpx.Client) -> None:
    response = api.get("api/json", params={"tree": "mode,views[name]", "pretty": "true"})

    assert response.text == (
        "{\n"
        '  "_class" : "hudson.model.Hudson",\n'
        '  "mode" : "NORMAL",\n'
        '  "views" : [\n'
        "    {\n"
        '      "_class" : "hudson.model.AllView",\n'
        '      "name" : "all"\n'
        "    }\n"
        "  ]\n"
        "}"
    )


def test_it_refuses_jsonp_on_a_secured_jenkins(api: httpx.Client) -> None:
    response = api.get("api/json", params={"jsonp": "callback"})

    assert response.status_code == 403
    assert "jsonp forbidden" in response.text
    assert "callback(" not in response.text


def test_it_answers_an_xpath_with_the_one_element_it_matches(api: httpx.Client) -> None:
    start_build(api, ORDER_SERVICE)

    response = api.get(f"{job_path(ORDER_SERVICE)}api/xml", params={"xpath": "//lastBuild"})

    assert response.text.startswith('<lastBuild _class="org.jenkinsci.plugins.workflow.job.')
    assert parse(response).findtext("number") == "1"


def test_it_wraps_every_match_when_asked(api: httpx.Client) -> None:
    response = api.get("job/mall/api/xml", params={"xpath": "/folder/job/name", "wrapper": "names"})

    root = parse(response)
    assert root.tag == "names"
    assert [name.text for name in root] == [
        "web-frontend",
        "order-service",
        "inventory-service",
        "legacy-admin",
    ]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"xpath": "//nothing"}, 404, "XPath //nothing didn’t match"),
        ({"xpath": "/folder/job"}, 500, 'XPath "/folder/job" matched 4 nodes.'),
        ({"xpath": "//job", "wrapper": "1bad"}, 400, "The wrapper parameter can only"),
        ({"xpath": "//job/name/text()"}, 403, "primitive XPath result sets forbidden"),
    ],
)
def test_it_refuses_xpaths_as_jenkins_does(
    api: httpx.Client, query: dict[str, str], status: int, message: str
) -> None:
    response = api.get("job/mall/api/xml", params=query)

    assert response.status_code == status
    assert message in response.text


def test_it_removes_excluded_nodes(api: httpx.Client) -> None:
    response = api.get(
        "job/mall/api/xml",
        params=[("tree", "jobs[name,color]"), ("exclude", "//color"), ("exclude", "//job[2]")],
    )

    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = parse(response)
    assert root.findall(".//color") == []
    assert [j.findtext("name") for j in root.findall("job")] == [
        "web-frontend",
        "inventory-service",
        "legacy-admin",
    ]
