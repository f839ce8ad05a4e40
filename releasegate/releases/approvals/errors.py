"""How an approval platform can fail, in the domain's terms.

Each platform's own errors subclass these (DingTalk's `NotFound` is an `ApprovalNotFound`),
so the domain decides on the kind of failure without knowing the platform. All are
`OutboundError`s: `permanent` says whether trying again can help.
"""

from __future__ import annotations

from releasegate.lib.http import OutboundError
from releasegate.releases.refusals import Phrase


class ApprovalError(OutboundError):
    """Something an approval platform said or failed to say."""


class ApprovalNotFound(ApprovalError):
    """The platform has no such approval (deleted, or an id that never was one)."""


class CredentialsRefused(ApprovalError):
    """The platform refused ReleaseGate's credentials (app key, secret, token)."""


class RateLimited(ApprovalError):
    """The platform's rate limit or quota held; try again later."""


class ProviderUnavailable(ApprovalError):
    """The platform could not answer now (an outage, a timeout); try again later."""


class StartRefused(ApprovalError):
    """The platform refused to start the approval as asked (a form value, the form).

    `message` is in the platform's words; `refusal`, when the platform is ReleaseGate's
    own, says the same in the reader's language (`shown()`)."""

    refusal: Phrase | None = None


class ActionRefused(ApprovalError):
    """The platform refused an approver's decision: not their task, or already decided."""


class ActionNotSupported(Exception):
    """This platform cannot act on its approvals' tasks from outside (open it instead)."""
