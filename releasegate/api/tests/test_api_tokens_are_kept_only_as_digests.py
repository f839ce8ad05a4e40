"""An API token is stored as its SHA-256 only: the database and the admin never hold or
show a key that works, and a person can revoke their own token through the API."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import User
from django.core import serializers
from django.test import Client
from rest_framework.test import APIClient

from releasegate.api.models import ApiToken
from releasegate.api.tokens import issue

pytestmark = pytest.mark.django_db


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_database_holds_the_digest_not_the_key() -> None:
    key = issue(User.objects.create_user("zhangsan"))

    (row,) = ApiToken.objects.all()
    stored = serializers.serialize("json", ApiToken.objects.all())

    assert key not in stored
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert row.prefix == key[:6]


def test_the_admin_shows_who_has_a_token_but_no_key(client: Client) -> None:
    key = issue(User.objects.create_user("zhangsan"))
    client.force_login(User.objects.create_superuser("admin", "a@example.cn", "pw"))

    listing = client.get("/admin/api/apitoken/").content.decode()
    detail = client.get(f"/admin/api/apitoken/{ApiToken.objects.get().pk}/change/")

    assert "zhangsan" in listing and key[:6] in listing
    assert key not in listing and key not in detail.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403


def test_a_person_revokes_their_own_token_through_the_api() -> None:
    key = issue(User.objects.create_user("zhangsan"))
    other = issue(User.objects.create_user("lisi"))

    assert api(key).delete("/api/token").status_code == 204

    assert api(key).get("/api/releases").status_code == 401
    assert api(other).get("/api/releases").status_code == 200


def test_revoking_without_a_token_is_a_404(client: Client) -> None:
    client.force_login(User.objects.create_user("zhangsan"))

    assert client.delete("/api/token").status_code == 404


def test_a_wrong_key_and_an_inactive_user_are_refused() -> None:
    user = User.objects.create_user("zhangsan")
    key = issue(user)

    assert api(key[:-1] + ("0" if key[-1] != "0" else "1")).get("/api/releases").status_code == 401
    user.is_active = False
    user.save()
    assert api(key).get("/api/releases").status_code == 401
