"""The verdict of a chaos run: what happened, from the simulators (ground truth), and what
ReleaseGate's database says only where nothing else can (is every release done, was every
notification delivered or its failure recorded, was a forgery stored).

An approval is approved in its own platform's words (DingTalk's and Feishu's status,
WeCom's sp_status 2), and matched to its
build by its unique BRANCH, to its release by its instance id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import chaos_dingtalk
import chaos_feishu
import chaos_wecom
from chaos_approvals import Planned, Platform

# The verdict's counters that must all be 0 for the run to pass.
MUST_BE_ZERO = (
    "duplicate_builds",
    "lost_approvals",
    "wrong_parameters",
    "builds_for_unapproved",
    "releases_not_terminal",
    "notifications_undelivered_unrecorded",
)
APPROVED: dict[Platform, Callable[[dict[str, Any]], bool]] = {
    "dingtalk": chaos_dingtalk.approved,
    "feishu": chaos_feishu.approved,
    "wecom": chaos_wecom.approved,
}


@dataclass
class Truth:
    """What the simulators say: every platform's instances by id, Jenkins' builds and
    live queue, the messages each platform sent."""

    instances: dict[str, dict[str, Any]]
    builds: list[dict[str, Any]]
    queued: int
    messages: dict[Platform, list[dict[str, Any]]]


def approved(approval: Planned, instances: dict[str, dict[str, Any]]) -> bool:
    """Whether its platform says the approval was approved (and not taken back)."""
    return APPROVED[approval.platform](instances.get(approval.instance_id, {}))


def builds_verdict(planned: list[Planned], truth: Truth) -> dict[str, Any]:
    """Every approved instance must have exactly one build, with exactly its approved
    parameters; nothing else may have a build."""
    by_branch = {p.parameters["BRANCH"]: p for p in planned}
    builds_of: dict[int, list[dict[str, Any]]] = {p.number: [] for p in planned}
    unapproved = 0
    for build in truth.builds:
        owner = by_branch.get(build["parameters"].get("BRANCH", ""))
        if owner is None or not approved(owner, truth.instances):
            unapproved += 1
        else:
            builds_of[owner.number].append(build)
    approved_ones = [p for p in planned if approved(p, truth.instances)]
    wrong = [
        build
        for p in approved_ones
        for build in builds_of[p.number]
        if any(build["parameters"].get(name) != value for name, value in p.parameters.items())
        or build["job"] != p.job
    ]
    return {
        "approved": len(approved_ones),
        "approved_by_platform": dict(Counter(p.platform for p in approved_ones)),
        "builds": len(truth.builds),
        "builds_still_queued": truth.queued,
        "builds_by_result": dict(Counter(str(b["result"]) for b in truth.builds)),
        "duplicate_builds": sum(max(0, len(builds_of[p.number]) - 1) for p in approved_ones),
        "lost_approvals": sum(1 for p in approved_ones if not builds_of[p.number]),
        "wrong_parameters": len(wrong),
        "builds_for_unapproved": unapproved,
    }


# DingTalk accepts, but silently drops, a work notification identical to one the same user
# got that day: a message sent again after a worker died mid-send reaches nobody twice.
SUPPRESSED = "identical message already sent today"
# Notification.reference's length: a Feishu reference naming many people is cut there.
REFERENCE_LENGTH = 200


def database_verdict(truth: Truth) -> dict[str, Any]:
    """Releases not done, and notifications neither delivered (their platform shows no
    such message reaching its recipients) nor recorded as failed, from ReleaseGate's
    tables; and forged deliveries that were stored."""
    from releasegate.releases.models import InboundEvent, Notification, Release
    from releasegate.releases.models.notification import NotificationState
    from releasegate.releases.models.release import TERMINAL_STATES

    reached = {
        "dingtalk": _reached_in_dingtalk(truth.messages.get("dingtalk", [])),
        "feishu": _reached_in_feishu(truth.messages.get("feishu", [])),
        "wecom": _reached_in_wecom(truth.messages.get("wecom", [])),
    }
    unaccounted = 0
    for state, reference, channel, provider in Notification.objects.values_list(
        "state", "reference", "channel", "provider"
    ):
        if state == NotificationState.PENDING:
            unaccounted += 1
        elif state == NotificationState.SENT and channel == "people":
            unaccounted += not reached.get(provider, _nowhere)(reference)
    suppressed = sum(
        message.get("reason") == SUPPRESSED for message in truth.messages.get("dingtalk", [])
    )
    states = Counter(Release.objects.values_list("state", flat=True))
    platforms = Counter(Release.objects.values_list("approval__provider", flat=True))
    return {
        "releases": sum(states.values()),
        "releases_by_state": dict(sorted(states.items())),
        "releases_by_platform": dict(sorted(platforms.items())),
        "releases_not_terminal": Release.objects.exclude(state__in=TERMINAL_STATES).count(),
        "notifications": Notification.objects.count(),
        "notifications_by_platform": dict(
            sorted(Counter(Notification.objects.values_list("provider", flat=True)).items())
        ),
        "notifications_failed_recorded": Notification.objects.filter(
            state=NotificationState.FAILED
        ).count(),
        "notifications_sent_again_dropped_by_dingtalk_as_identical": suppressed,
        "notifications_undelivered_unrecorded": unaccounted,
        "notifications_accepted_by_wecom_but_dropped_over_30_a_minute": sum(
            bool(message.get("dropped_for")) for message in truth.messages.get("wecom", [])
        ),
        "forged_stored": InboundEvent.objects.filter(delivery_id__startswith="forged-").count()
        + InboundEvent.objects.filter(
            provider="wecom", delivery_id__contains=f":{chaos_wecom.FORGED_CREATE_TIME}:"
        ).count(),
    }


def _nowhere(reference: str) -> bool:
    """A platform the run does not watch reached nobody."""
    return False


def _reached_in_dingtalk(messages: list[dict[str, Any]]) -> Callable[[str], bool]:
    """Whether DingTalk's message with a notification's reference (its task id) reached
    every recipient, or was one DingTalk dropped as identical to one sent before."""
    reached: dict[str, bool] = {}
    for message in messages:
        ok = bool(message.get("delivered")) or message.get("reason") == SUPPRESSED
        reference = str(message.get("reference"))
        reached[reference] = reached.get(reference, True) and ok
    return lambda reference: reached.get(reference, False)


def _reached_in_feishu(messages: list[dict[str, Any]]) -> Callable[[str], bool]:
    """Whether Feishu holds every message a notification names (its reference lists the
    message ids, one per person reached)."""
    sent = {str(message.get("message_id")) for message in messages}

    def reached(reference: str) -> bool:
        ids = reference.split(",")
        if len(reference) >= REFERENCE_LENGTH:
            ids = ids[:-1]  # cut off by the column's length
        return bool(ids) and set(ids) <= sent

    return reached


def _reached_in_wecom(messages: list[dict[str, Any]]) -> Callable[[str], bool]:
    """Whether WeCom recorded the message a notification names (its msgid; WeCom answers
    a message sent again within its duplicate window with the first one's msgid)."""
    sent = {str(message.get("msgid")) for message in messages if message.get("kind") == "message"}
    return lambda reference: reference in sent


def passed(verdict: dict[str, Any]) -> bool:
    """Every counter of MUST_BE_ZERO is 0, and no forged delivery was accepted or stored."""
    forged = verdict["forged_accepted"] + verdict["forged_stored"]
    return all(verdict[name] == 0 for name in MUST_BE_ZERO) and forged == 0
