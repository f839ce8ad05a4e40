"""Telling people in DingTalk: each person by a work notification from the app, the group
by its custom robot (robot.py); with the release's page known, a last line links to it."""

from __future__ import annotations

from collections.abc import Sequence

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.releases.approvals.ports import SentMessage


class DingTalkMessenger:
    """Each person by a work notification from the app; the group by its custom robot."""

    def __init__(self, client: DingTalkClient, robot: GroupRobot | None) -> None:
        self.client = client
        self.robot = robot

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage:
        return self.client.send_work_notification(user_ids, title, _linked(markdown, link))

    def send_to_group(self, title: str, markdown: str, link: str = "") -> SentMessage:
        if self.robot is None:
            raise ValueError("no DingTalk group robot is configured (DINGTALK_ROBOT_WEBHOOK)")
        return self.robot.send_markdown(title, _linked(markdown, link))


def _linked(markdown: str, link: str) -> str:
    """The message with a last line leading to the release's page, when it is known."""
    return f"{markdown}\n\n[查看发布详情]({link})" if link else markdown
