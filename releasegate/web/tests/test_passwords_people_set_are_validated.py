"""Passwords set by people (the admin's user pages, `createsuperuser`, `changepassword`)
go through Django's validators: long enough, not common, not all digits, not the name."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["secret", "password1234", "123456789012345", "zhangsan.zhangsan"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    person = User(username="zhangsan", email="zhangsan.zhangsan@example.cn")

    with pytest.raises(ValidationError):
        validate_password(password, person)


def test_a_long_uncommon_password_is_accepted() -> None:
    validate_password("violet-harbour-kettle-42", User(username="zhangsan"))


def test_the_admin_refuses_a_short_password_for_a_new_user(admin_client: object) -> None:
    response = admin_client.post(  # type: ignore[attr-defined]
        "/admin/auth/user/add/",
        {"username": "lisi", "password1": "short", "password2": "short", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="lisi").exists()
