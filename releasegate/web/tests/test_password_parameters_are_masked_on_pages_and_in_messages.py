"""A job's password parameter: its value is on no dashboard page and in no message, the
release page (its timeline too), the request page of ReleaseGate's own approvals and the
news the approvers get alike; other parameters are shown as given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.messages import notify
from releasegate.releases.models import Notification
from releasegate.releases.transitions import record
from releasegate.web.tests.records import stored_release

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]
SECRET = "s3cret-tag-value"


@pytest.fixture
def tag_is_a_password() -> Application:
    """The order service's TAG declared as a password parameter, as Jenkins would."""
    application = Application.objects.get(full_name="mall/order-service")
    application.parameters = [
        {**p, "kind": "password"} if p["name"] == "TAG" else p for p in application.parameters
    ]
    application.save()
    snapshot.refresh()
    return application


def test_the_release_page_and_its_news_mask_the_password(
    signed_in: Client, tag_is_a_password: Application
) -> None:
    release = stored_release("inst-pw", received_at=datetime.now(UTC))
    release.application = tag_is_a_password
    release.requested_parameters = {"TAG": SECRET, "BRANCH": "main"}
    release.approved_parameters = {"TAG": SECRET, "BRANCH": "main"}
    release.save()

    notify(release, "started")
    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert SECRET not in page
    # Requested, approved, and this release's side of "What changes".
    assert page.count("******") == 3
    assert "main" in page
    markdown = Notification.objects.get().markdown
    assert SECRET not in markdown
    assert "TAG=******" in markdown


def test_the_request_page_and_the_approvers_notice_mask_the_password(
    client: Client, person: Callable[..., User], tag_is_a_password: Application
) -> None:
    order = ReleaseRequest(
        project="mall", application="mall/order-service", parameters={"TAG": SECRET}
    )
    asked = registry.for_requests().source.start("zhangsan", order)
    client.force_login(person("lisi"))

    page = client.get(f"/requests/{asked}/").content.decode()

    assert SECRET not in page
    assert "******" in page
    assert SECRET not in Notification.objects.get().markdown


def test_the_timeline_masks_the_password_in_the_form_and_the_frozen_parameters(
    signed_in: Client, tag_is_a_password: Application
) -> None:
    now = datetime.now(UTC)
    release = stored_release("inst-pw-trail", received_at=now)
    release.application = tag_is_a_password
    release.save()
    received = {
        "form": [{"name": "分支或标签", "value": SECRET}, {"name": "环境", "value": "prod"}]
    }
    record(release, "received", actor="dingtalk:zhangsan", now=now, details=received)
    frozen = {"parameters": {"TAG": SECRET, "ENV": "prod"}, "held": ""}
    record(release, "state", actor="policy", now=now, to_state="SCHEDULED", details=frozen)

    page = signed_in.get(f"/releases/{release.pk}/").content.decode()

    assert SECRET not in page
    assert "分支或标签: ******" in page
    assert "TAG: ******" in page
    assert "环境: prod" in page
