"""pipeline-input-step's InputStep: an explicit id gets its first a-z letter upper-cased;
without one the id is the capitalised md5 of the message."""

from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import input_id, is_safe_input_id
from releasegate.simulators.jenkins.control import SimulatorControl


def test_it_capitalises_the_md5_of_the_message_without_an_id() -> None:
    assert input_id(explicit_id=None, message="Is the build okay?") == (
        "Ef95dd500ae6ed3b27b89fb852296d12"
    )


def test_it_upper_cases_the_first_letter_of_an_explicit_id() -> None:
    assert input_id(explicit_id="deploy-approval", message="ignored") == "Deploy-approval"


@pytest.mark.parametrize("explicit", ["Deploy-approval", "1st-approval", "_approval", "ÿes"])
def test_it_keeps_an_explicit_id_that_starts_otherwise(explicit: str) -> None:
    assert input_id(explicit_id=explicit, message="ignored") == explicit


def test_it_leaves_an_md5_that_starts_with_a_digit_as_it_is() -> None:
    assert input_id(explicit_id=None, message="Ship it?") == "1af68976af04f648c51e2bb85f1c0c92"


@pytest.mark.parametrize(
    ("candidate", "safe"),
    [
        ("Deploy-approval", True),
        ("Ef95dd500ae6ed3b27b89fb852296d12", True),
        ("a b", False),
        ("x/y", False),
        ("", False),
    ],
)
def test_it_tells_url_safe_ids_from_unsafe_ones(candidate: str, safe: bool) -> None:
    assert is_safe_input_id(candidate) is safe


def test_it_predicts_the_id_jenkins_gives_the_step(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    sim.put_job(path="ops/smoke-check", input={"message": "Is the build okay?"})
    sim.put_job(path="ops/deploy", input={"message": "Deploy?", "id": "deploy-approval"})
    client.trigger("ops/smoke-check", None)
    client.trigger("ops/deploy", None)
    sim.advance(2)

    (by_message,) = client.pending_inputs("ops/smoke-check", 1)
    (by_id,) = client.pending_inputs("ops/deploy", 1)

    assert by_message.id == input_id(explicit_id=None, message="Is the build okay?")
    assert by_id.id == input_id(explicit_id="deploy-approval", message="Deploy?")
