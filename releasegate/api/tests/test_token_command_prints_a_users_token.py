"""`releasegate token USERNAME` makes the user's API token and prints it, once: only its
digest is kept, so asking again cannot show it; `--renew` replaces it, `--revoke` ends it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from releasegate.api.models import ApiToken
from releasegate.cli import main

pytestmark = pytest.mark.django_db


def token_of(username: str, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    assert main(["token", username, *flags]) == 0
    return capsys.readouterr().out.strip()


def works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    status: int = client.get("/api/releases").status_code
    assert status in (200, 401)
    return status == 200


def test_it_prints_a_token_that_the_api_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    User.objects.create_user("zhangsan")

    key = token_of("zhangsan", capsys)

    assert len(key) == 40
    assert works(key)


def test_asking_again_cannot_show_it_and_says_how_to_renew(
    capsys: pytest.CaptureFixture[str],
) -> None:
    User.objects.create_user("zhangsan")
    key = token_of("zhangsan", capsys)

    assert main(["token", "zhangsan"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--renew" in captured.err and key[:6] in captured.err and key not in captured.err
    assert works(key)


def test_renew_replaces_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    User.objects.create_user("zhangsan")
    old = token_of("zhangsan", capsys)

    new = token_of("zhangsan", capsys, "--renew")

    assert new != old
    assert works(new) and not works(old)
    assert ApiToken.objects.count() == 1


def test_revoke_ends_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    User.objects.create_user("zhangsan")
    key = token_of("zhangsan", capsys)

    assert main(["token", "zhangsan", "--revoke"]) == 0

    assert "revoked" in capsys.readouterr().err
    assert not works(key)
    assert token_of("zhangsan", capsys) != key  # and a new one can be made


def test_an_unknown_user_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "nobody"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "'nobody'" in captured.err
