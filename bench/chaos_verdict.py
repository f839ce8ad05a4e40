"""The verdict of a chaos run: what happened, from the simulators (ground truth), and what
ReleaseGate's database says only where nothing else can (is every release done, was every
notification delivered or its failure recorded)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from chaos_approvals import Planned

# The verdict's counters that must all be 0 for the run to pass.
MUST_BE_ZERO = (
    "duplicate_builds",
    "lost_approvals",
    "wrong_parameters",
    "builds_for_unapproved",
    "releases_not_terminal",
    "notifications_undelivered_unrecorded",
)


@dataclass
class Truth:
    """What the simulators say: DingTalk's instances, Jenkins' builds and live queue."""

    instances: dict[str, dict[str, Any]]
    builds: list[dict[str, Any]]
    queued: int
    messages: list[dict[str, Any]]


def approved(instance: dict[str, Any]) -> bool:
    """Agreed, and not revoked afterwards (a revocation is attached to it) nor itself a
    revocation."""
    return (
        instance.get("status") == "COMPLETED"
        and instance.get("result") == "agree"
        and instance.get("bizAction", "NONE") == "NONE"
        and not instance.get("attachedProcessInstanceIds")
        and not instance.get("mainProcessInstanceId")
    )


def builds_verdict(planned: list[Planned], truth: Truth) -> dict[str, Any]:
    """Every approved instance must have exactly one build, with exactly its approved
    parameters; nothing else may have a build."""
    by_branch = {p.parameters["BRANCH"]: p for p in planned}
    builds_of: dict[int, list[dict[str, Any]]] = {p.number: [] for p in planned}
    unapproved = 0
    for build in truth.builds:
        owner = by_branch.get(build["parameters"].get("BRANCH", ""))
        if owner is None or not approved(truth.instances.get(owner.instance_id, {})):
            unapproved += 1
        else:
            builds_of[owner.number].append(build)
    approved_ones = [p for p in planned if approved(truth.instances.get(p.instance_id, {}))]
    wrong = [
        build
        for p in approved_ones
        for build in builds_of[p.number]
        if any(build["parameters"].get(name) != value for name, value in p.parameters.items())
        or build["job"] != p.job
    ]
    return {
        "approved": len(approved_ones),
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


def database_verdict(truth: Truth) -> dict[str, Any]:
    """Releases not done, and notifications neither delivered (DingTalk shows no such
    message reaching its recipients) nor recorded as failed, from ReleaseGate's tables."""
    from releasegate.releases.models import Notification, Release
    from releasegate.releases.models.notification import NotificationState
    from releasegate.releases.models.release import TERMINAL_STATES

    reached: dict[str, bool] = {}
    for message in truth.messages:
        ok = bool(message.get("delivered")) or message.get("reason") == SUPPRESSED
        reference = str(message.get("reference"))
        reached[reference] = reached.get(reference, True) and ok
    unaccounted = suppressed = 0
    for state, reference, channel in Notification.objects.values_list(
        "state", "reference", "channel"
    ):
        if state == NotificationState.PENDING:
            unaccounted += 1
        elif state == NotificationState.SENT and channel == "people":
            unaccounted += not reached.get(reference, False)
    for message in truth.messages:
        suppressed += message.get("reason") == SUPPRESSED
    states = Counter(Release.objects.values_list("state", flat=True))
    return {
        "releases": sum(states.values()),
        "releases_by_state": dict(sorted(states.items())),
        "releases_not_terminal": Release.objects.exclude(state__in=TERMINAL_STATES).count(),
        "notifications": Notification.objects.count(),
        "notifications_failed_recorded": Notification.objects.filter(
            state=NotificationState.FAILED
        ).count(),
        "notifications_sent_again_dropped_by_dingtalk_as_identical": suppressed,
        "notifications_undelivered_unrecorded": unaccounted,
    }


def passed(verdict: dict[str, Any]) -> bool:
    return all(verdict[name] == 0 for name in MUST_BE_ZERO) and verdict["forged_accepted"] == 0
