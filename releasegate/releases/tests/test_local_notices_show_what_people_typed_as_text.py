"""The notices of ReleaseGate's own approvals (to chat and e-mail alike) carry a form
value and a refusal reason written as Markdown as text: no link, no image, no new line."""

from __future__ import annotations

import re

import pytest

from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

PHISH = "[点我](https://evil.example/phish) ![](https://evil.example/t.png)"
LIVE = re.compile(r"\]\(https?://evil|https?://evil|\n\s*(#|>)")


def test_a_form_value_and_a_reason_in_markdown_are_told_as_text(local: LocalApprovals) -> None:
    order = ReleaseRequest(
        project="mall", application="mall/order-service", parameters={"BRANCH": PHISH}
    )
    instance_id = local.start("zhangsan", order)
    local.act(instance_id, "lisi", "lisi", Decision.REFUSE, f"{PHISH}\n### 已同意")

    notices = [n.markdown for n in Notification.objects.order_by("pk")]

    assert len(notices) == 2  # asked, refused
    for markdown in notices:
        assert "［点我］(https：//evil.example/phish)" in markdown
        assert not LIVE.search(markdown), markdown
    assert "[打开审批页面](https://releasegate.example.com/requests/" in notices[0]
