"""A form value, a reason, a job name written as Markdown reach DingTalk (work
notifications and the group robot, as the simulator records them) as text: no link, no
image, no heading; a password parameter's value never; a Jenkins link only if http(s)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.messages import DingTalkMessenger
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.integrations.dingtalk.tests.instances import approved_release
from releasegate.releases import outbox
from releasegate.releases.messages import notify
from releasegate.releases.models import Notification, Release
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

PHISH = "[点我](https://evil.example/phish) ![](https://evil.example/t.png)"
# Markdown that makes a link, an image, an autolink, HTML, or starts a line of its own.
LIVE = re.compile(r"\]\(|<[a-z/!]|https?://evil|\n\s*(#|>|- \[)")
SECRET = "s3cret-deploy-token"


@pytest.fixture
def release() -> Release:
    made = approved_release()
    application = made.application
    assert application is not None
    application.parameters = [
        *application.parameters,
        {"name": "DEPLOY_TOKEN", "kind": "password", "jenkins_class": "", "default": None},
    ]
    application.save()
    made.approved_parameters = {"BRANCH": PHISH, "DEPLOY_TOKEN": SECRET}
    made.job_full_name = "mall/[job](https://evil.example/j)"
    made.reason = f"{PHISH}\n### 已批准\n<a href='https://evil.example'>x</a>"
    made.originator_user_id = "![](https://evil.example/o.png)"
    made.build_number, made.build_url = 7, "javascript:alert(1)"
    made.console_tail = "done\n```\n[点我](https://evil.example/c)"
    made.save()
    return made


@pytest.fixture
def robot(dingtalk: DingTalkSimulator) -> GroupRobot:
    settings = dingtalk.settings
    return GroupRobot(
        f"{dingtalk.url}robot/send?access_token={settings.robot_token}", settings.robot_secret
    )


def texts(sent: list[dict[str, Any]]) -> list[str]:
    return [m["msg"]["markdown"]["text"] if "msg" in m else m["markdown"]["text"] for m in sent]


@pytest.mark.parametrize("kind", ["rejected", "finished", "cancelled"])
def test_markdown_in_values_reaches_people_and_the_group_as_text(
    release: Release,
    kind: str,
    robot: GroupRobot,
    dingtalk_client: DingTalkClient,
    dingtalk_sim: DingTalkControl,
) -> None:
    notify(release, kind, 备注=PHISH)
    news = Notification.objects.get()
    Notification.objects.create(
        **{f.name: getattr(news, f.name) for f in news._meta.fields if f.name != "id"}
        | {"channel": "group", "recipients": []}
    )

    outbox.deliver_due({"dingtalk": DingTalkMessenger(dingtalk_client, robot)})

    sent = dingtalk_sim.messages(kind="work_notification") + dingtalk_sim.messages(
        kind="group_robot"
    )
    assert len(sent) == 4  # three people, one group
    for text in texts(sent):
        assert not LIVE.search(text), text
        assert SECRET not in text
        assert "javascript" not in text
        assert "［点我］(https：//evil.example/phish)" in text
        assert "#7" in text


def test_a_build_link_from_jenkins_is_kept_when_it_is_http(release: Release) -> None:
    release.build_url = "https://jenkins.example/job/mall/job/order-service/7/"
    release.save()

    notify(release, "started")

    assert "[#7](https://jenkins.example/job/mall/job/order-service/7/)" in (
        Notification.objects.get().markdown
    )
