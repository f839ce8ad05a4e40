"""Upgrading: the tokens kept in clear by the authtoken table of earlier versions are
replaced by their digests, and the clients holding them keep working. (The migration's
function is called on the test's connection, the only part of a schema editor it uses, so
the old table goes with the test's transaction.)"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from releasegate.api.models import ApiToken

pytestmark = pytest.mark.django_db

OLD_KEY = "0b5d3e3c2f1a4e6b8c9d0e1f2a3b4c5d6e7f8091"
MIGRATION = importlib.import_module("releasegate.api.migrations.0002_hash_the_tokens_made_before")


@pytest.fixture
def old_table() -> None:
    """The table as `rest_framework.authtoken` made it, with one token in it."""
    user = User.objects.create_user("zhangsan")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL UNIQUE)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id integer NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [OLD_KEY, datetime(2026, 3, 1, 8, 0, tzinfo=UTC), user.pk],
        )


@pytest.mark.usefixtures("old_table")
def test_an_old_key_keeps_working_and_is_no_longer_kept_in_clear() -> None:
    MIGRATION.hash_the_tokens(apps, SimpleNamespace(connection=connection))

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/releases").status_code == 200
    token = ApiToken.objects.get()
    assert token.user.username == "zhangsan"
    assert token.created == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)


def test_a_database_without_the_old_table_is_left_alone() -> None:
    MIGRATION.hash_the_tokens(apps, SimpleNamespace(connection=connection))

    assert ApiToken.objects.count() == 0
