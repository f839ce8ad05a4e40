"""What an approver's card says of the approval it asks them to decide: the same facts
the approvers' messages give (the form as people filled it, a password parameter's value
masked; who asked; who approves; when it was asked) and what the release changes
(`change_notes`: parameters next to the last good release's, the commits since, the
database change, when it runs), as Markdown, whatever the platform. Reading the commits
asks Jenkins: never call it inside a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.lib.markdown import markdown_text
from releasegate.releases.change_notes import change_lines
from releasegate.releases.changes import changes_of, configured_jenkins, of_form
from releasegate.releases.form import read_form
from releasegate.releases.models import Approval
from releasegate.releases.parameters import MASKED, password_fields, password_names


@dataclass(frozen=True)
class CardContent:
    title: str
    markdown: str


def card_content(approval: Approval) -> CardContent:
    """The card's title and body for `approval`."""
    form = [(str(item.get("name", "")), str(item.get("value", ""))) for item in approval.form]
    hidden = _password_labels(form)
    lines = [
        f"- {markdown_text(label)}：{markdown_text(MASKED if label in hidden else value)}"
        for label, value in form
        if value
    ]
    approvers = "、".join(markdown_text(user) for user in approval.approver_user_ids) or "—"
    lines.append(
        f"- 申请人：{markdown_text(approval.originator_user_id or '—')}；审批人：{approvers}"
    )
    asked = approval.created_at_provider or approval.first_seen_at
    zone = settings.CONFIG.options.releases.zone
    lines.append(f"- 提交时间：{asked.astimezone(zone):%Y-%m-%d %H:%M}")
    options = settings.CONFIG.options
    proposed = of_form(dict(form), options.form, options.releases)
    lines += change_lines(changes_of(proposed, configured_jenkins), zone)
    title = f"待你审批：{approval.title or approval.instance_id}"
    return CardContent(title=title[:200], markdown="\n".join(lines))


def _password_labels(form: list[tuple[str, str]]) -> frozenset[str]:
    mapping = settings.CONFIG.options.form
    requested = read_form(dict(form), mapping)
    offered = find_application(snapshot.current(), requested.application, requested.project)
    if offered is None:
        return frozenset()
    return password_fields(password_names(offered.parameters), mapping)
