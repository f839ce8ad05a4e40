"""A build URL or a job URL from Jenkins becomes a link on a page only when it is an
http(s) address: a `javascript:` or `data:` one is shown as text, never as a link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application
from releasegate.web.tests.records import stored_release

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
HOSTILE = ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "//evil"]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_build_url_that_is_no_web_address_is_no_link(signed_in: Client, url: str) -> None:
    release = stored_release("inst-link", received_at=datetime.now(UTC))
    release.build_number, release.build_url = 7, url
    release.save()

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert 'data-testid="build-link"' not in page
    assert "javascript:" not in page and "data:text" not in page
    assert "#7" in page


def test_an_http_build_url_is_a_link(signed_in: Client) -> None:
    release = stored_release("inst-link", received_at=datetime.now(UTC))
    release.build_number, release.build_url = 7, "https://jenkins.example/job/a/7/"
    release.save()

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert '<a href="https://jenkins.example/job/a/7/" data-testid="build-link"' in page


@pytest.mark.parametrize("url", HOSTILE)
def test_a_job_url_that_is_no_web_address_is_no_link(signed_in: Client, url: str) -> None:
    Application.objects.filter(full_name="mall/order-service").update(url=url)
    snapshot.refresh()

    page = signed_in.get("/catalog/").content.decode()

    assert f'href="{url}' not in page
    assert "javascript:" not in page and "data:text" not in page
    assert "mall/order-service</td>" in page
