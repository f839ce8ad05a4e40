"""Saying where a payload went wrong, the same way everywhere: a malformed body, frame or
vendor answer names the field ("parameters.ENV") and what is wrong with it."""

from __future__ import annotations

from pydantic import ValidationError


def first_problem(error: ValidationError, whole: str = "the body") -> tuple[str, str]:
    """The path of the first failing field (or `whole`) and pydantic's message for it."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or whole
    return where, first["msg"]
