"""Payloads as real Jenkins servers sent them (captures quoted in the Jenkins reference:
cdancy/jenkins-rest and api4jenkins fixtures, the input-step and stage-view sources),
replayed to check the parsing alone."""

from __future__ import annotations

from releasegate.integrations.jenkins.models import (
    Build,
    BuildResult,
    Cause,
    Folder,
    ParameterDefinition,
    ParameterKind,
    PendingInput,
    QueueItem,
    QueueState,
)
from releasegate.integrations.jenkins.tests.conftest import Replay, fixture

BUILD_JSON = "/job/Noddy%20Job/1/api/json"


def test_it_reads_a_cancelled_queue_item(replay: Replay) -> None:
    client = replay({"/queue/item/143/api/json": fixture("queue_item_cancelled")})

    assert client.queue_item(143) == QueueItem(
        id=143,
        state=QueueState.CANCELLED,
        in_queue_since_ms=1524074568030,
        task_url="http://localhost:8082/job/test/",
        parameters={"a": "4"},
    )


def test_it_reads_the_build_of_a_left_item(replay: Replay) -> None:
    client = replay({"/queue/item/143/api/json": fixture("queue_item_left_with_build")})

    assert client.queue_item(143) == QueueItem(
        id=143,
        state=QueueState.STARTED,
        build_number=14,
        build_url="http://localhost:8082/job/test/14/",
        in_queue_since_ms=1524074837590,
        task_url="http://localhost:8082/job/test/",
        parameters={"a": "4"},
    )


def test_it_reads_a_waiting_item_among_empty_actions(replay: Replay) -> None:
    client = replay({"/queue/item/668/api/json": fixture("queue_item_waiting_with_empty_actions")})

    assert client.queue_item(668) == QueueItem(
        id=668,
        state=QueueState.WAITING,
        why="In the quiet period. Expires in 4.6 sec",
        in_queue_since_ms=1566553108796,
        task_url="http://0.0.0.0:8080/job/Level1_WorkflowJob1/",
    )


def test_it_skips_a_pipeline_placeholder_task_in_the_queue(replay: Replay) -> None:
    client = replay({"/queue/api/json": fixture("queue_with_a_placeholder_task")})

    (item,) = client.queued_items("folder/pipeline")

    assert (item.id, item.state, item.why) == (
        669,
        QueueState.BLOCKED,
        "Build #168 is already in progress (ETA:N/A)",
    )


def test_it_reads_parameters_once_though_jenkins_exports_them_twice(replay: Replay) -> None:
    job = fixture("job_with_parameters_in_property_and_actions")
    client = replay({"/api/json": {"_class": "hudson.model.Hudson", "jobs": [job]}})

    (listed,) = client.list_jobs().jobs

    # A 2016 Jenkins: no `_class` anywhere, so the kind comes from `type`.
    assert listed.parameters == (
        ParameterDefinition(
            name="bear",
            kind=ParameterKind.BOOLEAN,
            jenkins_class="BooleanParameterDefinition",
            description="some bear",
            default=True,
        ),
        ParameterDefinition(
            name="fish",
            kind=ParameterKind.STRING,
            jenkins_class="StringParameterDefinition",
            description="some fish",
            default="salmon",
        ),
    )
    assert (listed.full_name, listed.buildable, listed.color) == ("fish", True, "blue_anime")


def test_it_keeps_a_multibranch_branch_name_encoded(replay: Replay) -> None:
    project = fixture("multibranch_project_with_an_encoded_branch")
    client = replay({"/api/json": {"_class": "hudson.model.Hudson", "jobs": [project]}})

    listing = client.list_jobs()

    assert listing.folders == (
        Folder(
            full_name="Level1_multibranchjob",
            display_name="Level1_multibranchjob",
            description="",
            jenkins_class="org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
        ),
    )
    assert [job.full_name for job in listing.jobs] == [
        "Level1_multibranchjob/feature%2Fgithub-commands",
        "Level1_multibranchjob/master",
    ]


def test_it_reads_a_failed_build_with_no_actions(replay: Replay) -> None:
    client = replay(
        {"/job/Level1_WorkflowJob1/52/api/json": fixture("build_failed_with_empty_actions")}
    )

    assert client.build("Level1_WorkflowJob1", 52) == Build(
        number=52,
        url="http://0.0.0.0:8080/job/Level1_WorkflowJob1/52/",
        building=False,
        result=BuildResult.FAILURE,
        duration_ms=324447,
        timestamp_ms=1559281453240,
        queue_id=667,
        parameters={},
        causes=(),
    )


def test_it_reads_a_running_build_with_a_hidden_password(replay: Replay) -> None:
    client = replay(
        {
            "/job/payment/job/settlement-batch/8/api/json": fixture(
                "build_running_with_a_password_parameter"
            )
        }
    )

    build = client.build("payment/settlement-batch", 8)

    assert (build.building, build.result, build.duration_ms) == (True, None, 0)
    assert build.parameters == {"VERSION": "1.2.0", "DRY_RUN": False, "DB_PASSWORD": None}
    assert build.causes == (
        Cause(
            jenkins_class="hudson.model.Cause$RemoteCause",
            description="Started by remote host 10.0.0.7 with note: nightly",
        ),
        Cause(
            jenkins_class="hudson.model.Cause$UpstreamCause",
            description='Started by upstream project "payment/gateway" build number 41',
        ),
    )


def test_it_reads_the_input_executions_a_build_exports(replay: Replay) -> None:
    client = replay({BUILD_JSON: fixture("build_waiting_for_input_with_executions")})

    assert client.pending_inputs("Noddy Job", 1) == [
        PendingInput(
            id="Ef95dd500ae6ed3b27b89fb852296d12",
            message="Is the build okay?",
            ok_text="Yes, ship it",
            submitter="alice,release-managers",
            parameters=(
                ParameterDefinition(
                    name="fruit",
                    kind=ParameterKind.CHOICE,
                    jenkins_class="hudson.model.ChoiceParameterDefinition",
                    description="Pick one",
                    default="Apple",
                    choices=("Apple", "Banana"),
                ),
            ),
        )
    ]


def test_it_reads_pending_input_actions_from_the_stage_view(replay: Replay) -> None:
    client = replay(
        {
            BUILD_JSON: fixture("build_waiting_for_input_before_plugin_466"),
            "/job/Noddy%20Job/1/wfapi/pendingInputActions": fixture("pending_input_actions"),
        }
    )

    assert client.pending_inputs("Noddy Job", 1) == [
        PendingInput(
            id="Ef95dd500ae6ed3b27b89fb852296d12",
            message="Is the build okay?",
            ok_text="Proceed",
            submitter=None,
            parameters=(
                ParameterDefinition(
                    name="fruit",
                    kind=ParameterKind.CHOICE,
                    jenkins_class="ChoiceParameterDefinition",
                    description="Pick one",
                    default="Apple",
                    choices=("Apple", "Banana"),
                ),
                # The stage view gives a default only for boolean, string, password, choice.
                ParameterDefinition(
                    name="notes",
                    kind=ParameterKind.TEXT,
                    jenkins_class="TextParameterDefinition",
                ),
            ),
        )
    ]
