"""The approval port: what the domain needs from an approval platform, in its own words.

Every platform (DingTalk, Feishu, WeCom, and ReleaseGate's built-in `local` approvals)
implements `ApprovalSource` and, where it can message people, `Messenger`; it describes
approvals as `ApprovalInstance` values and fails with the errors of `errors`. The domain
(ingest, inbox, reconcile, outbox, requests, the worker) speaks only to these. Platforms
import the domain, never the reverse: `registry` is filled from outside
(`releasegate.platforms`).
"""
