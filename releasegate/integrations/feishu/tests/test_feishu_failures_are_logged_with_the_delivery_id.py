"""An operator follows Feishu's failures in the log: a delivery Feishu could not answer
for is logged once, at WARNING (it is tried again), with the delivery's id and the
approval's as fields of the JSON record."""

from __future__ import annotations

import pytest

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.observability.tests.json_logs import JsonLines
from releasegate.releases import inbox
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def test_a_delivery_feishu_refused_to_answer_for_is_one_warning_with_its_id(
    feishu_app: tuple[FeishuSimulator, FeishuControl],
    feishu_client: FeishuClient,
    json_lines: JsonLines,
) -> None:
    _, control = feishu_app
    demo = SimSettings.demo()
    source = FeishuApprovals(feishu_client, demo.approval_code, FormMapping(), ReleaseOptions())
    event = inbox.record_delivery(
        via="event",
        event_type="approval_instance",
        instance_id="81D31358-93AF-92D6-7425-01A5D67C4E71",
        provider="feishu",
        payload={},
    )
    control.set_faults(server_error=5)

    outcome = inbox.process(event.pk, {"feishu": source})

    assert outcome.startswith("will retry")
    [logged] = [line for line in json_lines() if line["level"] in ("WARNING", "ERROR")]
    assert (logged["level"], logged["logger"]) == ("WARNING", "releasegate.inbox")
    assert logged["delivery_id"] == event.pk
    assert logged["approval_instance_id"] == event.instance_id
