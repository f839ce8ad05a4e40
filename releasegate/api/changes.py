"""What the API shows of a release's changes (the `changes` object of a release's
detail): the same comparison the approvers' notice and the release page show."""

from __future__ import annotations

from rest_framework import serializers

from releasegate.releases.changes import CommitsStatus


class ParameterChangeShown(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    now = serializers.CharField(help_text="this release's value; a password is masked")
    before = serializers.CharField(
        allow_null=True, help_text="the last good release's value; null when it set none"
    )
    changed = serializers.BooleanField()


class LastGoodShown(serializers.Serializer):  # type: ignore[type-arg]
    release_id = serializers.IntegerField()
    build_number = serializers.IntegerField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class CommitShown(serializers.Serializer):  # type: ignore[type-arg]
    commit_id = serializers.CharField()
    message = serializers.CharField(help_text="the first line of the commit message")
    author = serializers.CharField()
    timestamp_ms = serializers.IntegerField(allow_null=True)


class ChangesShown(serializers.Serializer):  # type: ignore[type-arg]
    application = serializers.CharField()
    parameters = ParameterChangeShown(many=True)
    last_good = LastGoodShown(
        allow_null=True, help_text="the application's last SUCCEEDED release before this one"
    )
    commits_status = serializers.ChoiceField(
        choices=[status.value for status in CommitsStatus],
        help_text="listed; first_release (nothing to compare with); unavailable (Jenkins "
        "did not answer)",
    )
    commits = CommitShown(
        many=True, help_text="recorded by Jenkins after the last good build, newest first"
    )
    more_commits = serializers.IntegerField(help_text="commits found beyond those listed")
    all_builds_read = serializers.BooleanField(
        help_text="false when the last good build is older than the builds read"
    )
    has_db_change = serializers.BooleanField()
    db_change_done = serializers.BooleanField()
    release_time = serializers.DateTimeField(
        allow_null=True, help_text="null: as soon as it is approved"
    )
