"""The chaos run's verdict on builds: an approval counts as approved only in its own
platform's words (DingTalk: COMPLETED, agreed, not revoked; Feishu: APPROVED, not
reverted), and each approved one must have exactly one build with its parameters."""

from __future__ import annotations

from typing import Any

from chaos_approvals import Planned, Platform
from chaos_verdict import Truth, builds_verdict

AGREED = {"status": "COMPLETED", "result": "agree", "bizAction": "NONE"}
PARAMETERS = {"BRANCH": "", "ENV": "prod", "RELEASE_TYPE": "全量"}


def approval(number: int, platform: Platform, instance_id: str) -> Planned:
    branch = f"release/chaos-{number:04d}"
    return Planned(
        number=number,
        platform=platform,
        way="event" if platform == "feishu" else "http",
        end="approve" if platform == "feishu" else "agree",
        job="chaos/app-01",
        parameters={**PARAMETERS, "BRANCH": branch},
        instance_id=instance_id,
    )


def build(of: Planned, **changed: str) -> dict[str, Any]:
    return {"job": of.job, "parameters": {**of.parameters, **changed}, "result": "SUCCESS"}


def verdict(planned: list[Planned], instances: dict[str, Any], builds: list[Any]) -> dict[str, Any]:
    truth = Truth(instances=instances, builds=builds, queued=0, messages={})
    return builds_verdict(planned, truth)


def failures(found: dict[str, Any]) -> dict[str, int]:
    return {
        name: found[name] for name in ("duplicate_builds", "lost_approvals", "wrong_parameters")
    }


def test_an_approved_feishu_instance_with_its_one_build_passes() -> None:
    feishu = approval(0, "feishu", "F-1")

    found = verdict([feishu], {"F-1": {"status": "APPROVED", "reverted": False}}, [build(feishu)])

    assert found["approved_by_platform"] == {"feishu": 1}
    assert failures(found) == {"duplicate_builds": 0, "lost_approvals": 0, "wrong_parameters": 0}


def test_feishu_words_do_not_approve_a_dingtalk_instance_nor_the_reverse() -> None:
    dingtalk, feishu = approval(0, "dingtalk", "D-1"), approval(1, "feishu", "F-1")
    instances = {"D-1": {"status": "APPROVED"}, "F-1": {**AGREED}}

    found = verdict([dingtalk, feishu], instances, [build(dingtalk), build(feishu)])

    assert found["approved"] == 0
    assert found["builds_for_unapproved"] == 2


def test_a_reverted_or_rejected_feishu_instance_must_not_build() -> None:
    reverted, rejected = approval(0, "feishu", "F-1"), approval(1, "feishu", "F-2")
    instances = {"F-1": {"status": "APPROVED", "reverted": True}, "F-2": {"status": "REJECTED"}}

    found = verdict([reverted, rejected], instances, [build(reverted), build(rejected)])

    assert found["builds_for_unapproved"] == 2


def test_a_lost_a_doubled_and_a_wrong_build_are_each_counted() -> None:
    lost, doubled = approval(0, "feishu", "F-1"), approval(1, "feishu", "F-2")
    wrong = approval(2, "dingtalk", "D-1")
    instances = {"F-1": {"status": "APPROVED"}, "F-2": {"status": "APPROVED"}, "D-1": AGREED}
    builds = [build(doubled), build(doubled), build(wrong, ENV="staging")]

    found = verdict([lost, doubled, wrong], instances, builds)

    assert found["approved_by_platform"] == {"feishu": 2, "dingtalk": 1}
    assert failures(found) == {"duplicate_builds": 1, "lost_approvals": 1, "wrong_parameters": 1}
