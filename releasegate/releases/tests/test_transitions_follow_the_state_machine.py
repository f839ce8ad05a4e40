from __future__ import annotations

import pytest

from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.approvals import FakeApprovals, instance
from releasegate.releases.transitions import IllegalTransition, transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def release() -> Release:
    from releasegate.releases.ingest import ingest_approval

    ingest_approval(FakeApprovals(instance()), "inst-1", via="event", form_vouched=True)
    return Release.objects.get()


def test_each_transition_is_recorded_with_who_and_why(release: Release) -> None:
    event = transition(
        release, ReleaseState.SCHEDULED, actor="policy", reason="any time", details={"run_at": None}
    )

    release.refresh_from_db()
    assert release.state == ReleaseState.SCHEDULED
    assert (event.from_state, event.to_state, event.actor) == ("RECEIVED", "SCHEDULED", "policy")
    assert event.details == {"run_at": None}


def test_a_move_the_machine_does_not_have_is_refused(release: Release) -> None:
    with pytest.raises(IllegalTransition):
        transition(release, ReleaseState.SUCCEEDED, actor="worker")

    release.refresh_from_db()
    assert release.state == ReleaseState.RECEIVED
    assert not release.events.filter(kind="state").exists()


def test_terminal_states_allow_no_further_moves(release: Release) -> None:
    transition(release, ReleaseState.CANCELLED, actor="ingest")

    for state in ReleaseState:
        with pytest.raises(IllegalTransition):
            transition(release, state, actor="worker")


def test_a_stale_copy_cannot_overwrite_a_newer_state(release: Release) -> None:
    from releasegate.releases.transitions import StaleRelease

    stale = Release.objects.get(pk=release.pk)
    transition(release, ReleaseState.SCHEDULED, actor="policy")
    transition(release, ReleaseState.TRIGGERING, actor="worker")

    with pytest.raises(StaleRelease):
        transition(stale, ReleaseState.CANCELLED, actor="ingest")

    release.refresh_from_db()
    assert release.state == ReleaseState.TRIGGERING
    assert not release.events.filter(to_state=ReleaseState.CANCELLED).exists()
