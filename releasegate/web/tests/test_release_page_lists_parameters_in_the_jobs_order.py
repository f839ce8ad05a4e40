"""The release page lists a release's parameters in the order its Jenkins job declares
them, whatever order the database keeps them in (PostgreSQL's jsonb sorts keys); one the
job no longer declares comes after them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from releasegate.web.tests.records import stored_release

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def test_the_parameters_come_in_the_jobs_order(client: Client, person: Callable[..., User]) -> None:
    # Stored backwards, with one the job does not declare first of all.
    backwards = {"OLD_FLAG": "x", "CANARY_PERCENT": "10", "RELEASE_TYPE": "灰度", "TAG": "v3.7.2"}
    release = stored_release(
        "ordered",
        received_at=timezone.now(),
        job_full_name="mall/order-service",
        requested_parameters=backwards,
        approved_parameters=backwards,
    )
    client.force_login(person("lisi"))

    page = client.get(f"/releases/{release.pk}/").content.decode()

    start = page.index('data-testid="parameters"')
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r'<tr data-parameter="(\w+)">', table)
    assert rows == ["TAG", "RELEASE_TYPE", "CANARY_PERCENT", "OLD_FLAG"]
