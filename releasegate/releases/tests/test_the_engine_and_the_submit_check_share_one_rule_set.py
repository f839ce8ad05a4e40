"""One rule set: every form the engine would reject on arrival is refused at submit time
(DingTalk's validation action, the new-release page, the API) with the same words, and a
form that passes at submit time is only ever refused by the engine for the one rule it
alone can judge (who approved it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import option_label
from releasegate.catalog.snapshot import CatalogSnapshot
from releasegate.config import ReleaseOptions, ReleaseWindow
from releasegate.releases.engine.policies import judge
from releasegate.releases.form import read_form
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.models import Release
from releasegate.releases.rules import SELF_APPROVED, form_problems
from releasegate.releases.tests.approvals import FakeApprovals, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
_serial = count(1)

# Release times as offsets from now (minutes), or text that is not a time.
TIMES = st.one_of(
    st.just(""),
    st.sampled_from([-240, -5, 30, 60 * 24 * 3, 60 * 24 * 400]),
    st.sampled_from(["明天下午", "2026-13-45 10:00", "soon"]),
)
ANSWERS = st.sampled_from(["是", "否", "有", "无", "", "也许", "yes", "no"])
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@st.composite
def forms(draw: st.DrawFn, catalog: CatalogSnapshot) -> tuple[dict[str, str], int | str]:
    """A filled-in release form (mostly what the form's own options offer, sometimes
    not), and its release time as minutes from now or as text."""
    mapping = settings.CONFIG.options.form
    projects = [option_label(p.display_name, p.key) for p in catalog.projects]
    project = draw(st.sampled_from([*projects, "不存在的项目", ""]))
    found = [p for p in catalog.projects if option_label(p.display_name, p.key) == project]
    offered = [option_label(a.display_name, a.full_name) for p in found for a in p.applications]
    application = draw(st.sampled_from([*offered, "不存在的应用", ""]))
    form = {
        mapping.project: project,
        mapping.application: application,
        mapping.release_type: draw(st.sampled_from(["", "全量", "灰度"])),
        mapping.db_change: draw(ANSWERS),
        mapping.db_change_done: draw(ANSWERS),
    }
    choices = {value for a in catalog.applications for p in a.parameters for value in p.choices}
    for label in mapping.parameter_names():
        form[label] = draw(st.sampled_from(["", "v3.7.2", "no-such-choice", *sorted(choices)]))
    return form, draw(TIMES)


@st.composite
def rules(draw: st.DrawFn) -> ReleaseOptions:
    """Release options: open, or a window that is closed today, holding or refusing."""
    options: ReleaseOptions = settings.CONFIG.options.releases
    today = WEEKDAYS[timezone.localtime(timezone.now(), options.zone).weekday()]
    windows = draw(st.sampled_from([[], [ReleaseWindow(days=[d for d in WEEKDAYS if d != today])]]))
    hold = draw(st.booleans())
    return options.model_copy(update={"windows": windows, "hold_outside_window": hold})


def written(offset: int | str, now: datetime, options: ReleaseOptions) -> str:
    if isinstance(offset, str):
        return offset
    return f"{(now + timedelta(minutes=offset)).astimezone(options.zone):%Y-%m-%d %H:%M}"


def engine_verdict(form: dict[str, str], options: ReleaseOptions, now: datetime) -> str | None:
    """What the engine says of the form once it is approved (by someone else than its
    originator): ingested as any approval is, then judged."""
    instance_id = f"rules-{next(_serial)}"
    source = FakeApprovals(instance(instance_id, form=form))
    outcome = ingest_approval(source, instance_id, via="event", form_vouched=True, now=now)
    assert outcome.release_id is not None, outcome
    release = Release.objects.get(pk=outcome.release_id)
    mapping = settings.CONFIG.options.form
    return judge(release, snapshot.current(), mapping, options, now).reason


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_every_form_the_engine_rejects_is_refused_at_submit_time_with_the_same_words(
    data: st.DataObject,
) -> None:
    catalog = snapshot.current()
    form, offset = data.draw(forms(catalog))
    options = data.draw(rules())
    now = timezone.now()
    form = {**form, settings.CONFIG.options.form.release_time: written(offset, now, options)}

    mapping = settings.CONFIG.options.form
    at_submit = form_problems(read_form(form, mapping), catalog, mapping, options, now)
    on_arrival = engine_verdict(form, options, now)

    assert on_arrival == ("；".join(at_submit) or None)


def test_the_self_approval_rule_is_the_engines_alone() -> None:
    now = timezone.now()
    mapping = settings.CONFIG.options.form
    source = FakeApprovals(instance("mine", originator="lisi", approvers=("lisi",)))
    ingest_approval(source, "mine", via="event", form_vouched=True, now=now)
    release = Release.objects.get()
    options = settings.CONFIG.options.releases

    at_submit = form_problems(
        read_form(dict(source.instances["mine"].form), mapping),
        snapshot.current(),
        mapping,
        options,
        now,
    )
    verdict = judge(release, snapshot.current(), mapping, options, now)

    assert at_submit == []
    assert verdict.reason == SELF_APPROVED


def test_a_release_received_before_its_request_was_kept_is_judged_by_what_it_recorded() -> None:
    now = timezone.now()
    source = FakeApprovals(instance(form={**dict(instance().form), "是否有数据库变更": "是"}))
    ingest_approval(source, "inst-1", via="event", form_vouched=True, now=now)
    Release.objects.update(request={})
    release = Release.objects.get()
    options = settings.CONFIG.options.releases

    verdict = judge(release, snapshot.current(), settings.CONFIG.options.form, options, now)

    assert verdict.reason == "有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"
