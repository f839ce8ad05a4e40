"""ReleaseGate's own approvals: the `local` approval platform, for teams with no DingTalk,
Feishu or WeCom (or not yet).

A request is decided by the approver group configured for its project or application
(`[local]` in the TOML file): N of its M approvers must approve, one refusal refuses, the
person who asked never decides, and a request nobody decided in time expires. It is a
platform like any other behind the approval port: each decision and each expiry is a
delivery in the inbox, and ingest makes the release, as for DingTalk. Its code lives in
the domain because it is ReleaseGate's own; what it needs from outside (who a login is on
a chat platform, their e-mail address, the dashboard's address) is handed in by
`releasegate.platforms`.
"""
