from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.jenkins.models import ParameterDefinition, ParameterKind
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.simulators.jenkins.server import JenkinsSimulator

EVERY_TYPE = {
    "jobs": [
        {
            "path": "deploy",
            "parameters": [
                {"name": "VERSION", "type": "string", "default": "1.0.0", "description": "版本号"},
                {"name": "ENV", "type": "choice", "choices": ["prod", "staging"]},
                {"name": "DRY_RUN", "type": "boolean", "default": True},
                {"name": "NOTES", "type": "text", "default": "line one\nline two"},
                {"name": "DB_PASSWORD", "type": "password", "default": "hidden-default-pw"},
                {"name": "TAG", "type": "git", "choices": ["v1", "master"], "default": "master"},
                {"name": "REGION", "type": "active_choices", "description": "from a script"},
                {"name": "BUNDLE", "type": "file"},
                {"name": "BASELINE", "type": "run"},
            ],
        }
    ]
}
GIT = "net.uaznia.lukanus.hudson.plugins.gitparameter.GitParameterDefinition"
EXPECTED = [
    ParameterDefinition(
        name="VERSION",
        kind=ParameterKind.STRING,
        jenkins_class="hudson.model.StringParameterDefinition",
        description="版本号",
        default="1.0.0",
    ),
    ParameterDefinition(
        name="ENV",
        kind=ParameterKind.CHOICE,
        jenkins_class="hudson.model.ChoiceParameterDefinition",
        default="prod",  # Jenkins: the first choice is the default
        choices=("prod", "staging"),
    ),
    ParameterDefinition(
        name="DRY_RUN",
        kind=ParameterKind.BOOLEAN,
        jenkins_class="hudson.model.BooleanParameterDefinition",
        default=True,
    ),
    ParameterDefinition(
        name="NOTES",
        kind=ParameterKind.TEXT,
        jenkins_class="hudson.model.TextParameterDefinition",
        default="line one\nline two",
    ),
    # PasswordParameterValue keeps its value in a Secret Jenkins never exports.
    ParameterDefinition(
        name="DB_PASSWORD",
        kind=ParameterKind.PASSWORD,
        jenkins_class="hudson.model.PasswordParameterDefinition",
        default=None,
        default_hidden=True,
    ),
    # The Git Parameter plugin exports no choices (they come from `git ls-remote`).
    ParameterDefinition(name="TAG", kind=ParameterKind.GIT, jenkins_class=GIT, default="master"),
    ParameterDefinition(
        name="REGION",
        kind=ParameterKind.ACTIVE_CHOICES,
        jenkins_class="org.biouno.unochoice.ChoiceParameter",
        description="from a script",
    ),
    ParameterDefinition(
        name="BUNDLE",
        kind=ParameterKind.OPAQUE,
        jenkins_class="hudson.model.FileParameterDefinition",
    ),
    ParameterDefinition(
        name="BASELINE",
        kind=ParameterKind.OPAQUE,
        jenkins_class="hudson.model.RunParameterDefinition",
    ),
]


@pytest.fixture
def parameters(
    start_jenkins: Callable[..., JenkinsSimulator], connect: ConnectClient
) -> dict[str, ParameterDefinition]:
    (job,) = connect(start_jenkins(EVERY_TYPE)).list_jobs().jobs
    return {parameter.name: parameter for parameter in job.parameters}


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.name for p in EXPECTED])
def test_it_reads_each_parameter_type(
    parameters: dict[str, ParameterDefinition], expected: ParameterDefinition
) -> None:
    assert parameters[expected.name] == expected


def test_it_keeps_the_declared_order(parameters: dict[str, ParameterDefinition]) -> None:
    assert list(parameters) == [p.name for p in EXPECTED]


def test_it_never_sees_a_password_default(
    start_jenkins: Callable[..., JenkinsSimulator], connect: ConnectClient
) -> None:
    listing = connect(start_jenkins(EVERY_TYPE)).list_jobs()

    assert "hidden-default-pw" not in repr(listing)
