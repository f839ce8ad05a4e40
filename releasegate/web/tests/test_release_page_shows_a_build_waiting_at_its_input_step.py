"""A release whose build waits at a pipeline `input` step nobody configured an answer for:
its page says which step and since when, and the timeline shows it waiting."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def test_the_page_names_the_input_step_the_build_waits_at(
    harness: Harness, signed_in: Client
) -> None:
    signed_in.cookies["django_language"] = "en"
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.WAITING_INPUT)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    step = re.search(r'data-testid="input-step">([^<]*)<', page)
    assert step is not None
    assert step.group(1).startswith("Deploy-approval · waiting since ")
    assert "Running → Waiting for input" in page
