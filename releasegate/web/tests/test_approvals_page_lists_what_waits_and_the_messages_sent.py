"""The approvals page shows the signed-in person what waits for their decision, the
requests they made, and the messages sent to them, on the dashboard whatever a chat
platform or e-mail did with them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.config import LocalOptions
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import Decision, ReleaseRequest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]
ORDER = ReleaseRequest(project="mall", application="mall/order-service")


def listed(page: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-\w+="([^"]+)"', page)


def page_of(client: Client, person: Callable[..., User], login: str) -> str:
    client.force_login(User.objects.filter(username=login).first() or person(login))
    return client.get("/approvals/").content.decode()


def test_an_approver_sees_what_waits_for_them_until_they_decided(
    client: Client, person: Callable[..., User]
) -> None:
    source = registry.for_requests().source
    first, second = source.start("zhangsan", ORDER), source.start("zhangsan", ORDER)
    source.act(first, "lisi", "lisi", Decision.APPROVE, "")

    lisi = page_of(client, person, "lisi")
    wangwu = page_of(client, person, "wangwu")

    assert listed(lisi, "awaiting-approval") == [second]
    assert listed(wangwu, "awaiting-approval") == [first, second]
    assert listed(wangwu, "my-notification") == ["approval_asked", "approval_asked"]


def test_the_person_who_asked_sees_their_requests_and_what_they_were_told(
    client: Client, person: Callable[..., User]
) -> None:
    source = registry.for_requests().source
    instance_id = source.start("zhangsan", ORDER)
    source.act(instance_id, "lisi", "lisi", Decision.REFUSE, "今天封网")

    page = page_of(client, person, "zhangsan")

    assert listed(page, "awaiting-approval") == []
    assert listed(page, "asked-approval") == [instance_id]
    assert "已拒绝" in page
    assert listed(page, "my-notification") == ["approval_refused"]
    assert f"发布申请被拒绝：mall/order-service #{instance_id}" in page
    assert "今天封网" in page


def test_someone_else_sees_nothing_of_it(client: Client, person: Callable[..., User]) -> None:
    registry.for_requests().source.start("zhangsan", ORDER)

    page = page_of(client, person, "qianqi")

    assert listed(page, "awaiting-approval") == listed(page, "my-notification") == []
    assert "没有等待你审批的申请。" in page


def test_without_groups_it_says_approvals_are_decided_elsewhere(
    client: Client, person: Callable[..., User], settings: Settings
) -> None:
    options = settings.CONFIG.options.model_copy(update={"local": LocalOptions()})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)

    page = page_of(client, person, "lisi")

    assert 'data-testid="approvals-off"' in page
