"""`releasegate token USERNAME` prints the user's API token, creating it once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from releasegate.cli import main

pytestmark = pytest.mark.django_db


def token_of(username: str, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    assert main(["token", username, *flags]) == 0
    return capsys.readouterr().out.strip()


def test_it_prints_a_token_that_the_api_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    User.objects.create_user("zhangsan")

    key = token_of("zhangsan", capsys)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/releases").status_code == 200


def test_asking_again_prints_the_same_token(capsys: pytest.CaptureFixture[str]) -> None:
    User.objects.create_user("zhangsan")

    assert token_of("zhangsan", capsys) == token_of("zhangsan", capsys)
    assert Token.objects.count() == 1


def test_renew_replaces_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    User.objects.create_user("zhangsan")
    old = token_of("zhangsan", capsys)

    new = token_of("zhangsan", capsys, "--renew")

    assert new != old
    assert list(Token.objects.values_list("key", flat=True)) == [new]


def test_an_unknown_user_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "nobody"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "'nobody'" in captured.err
