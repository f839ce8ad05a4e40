from __future__ import annotations

import base64
import logging

import pytest

from releasegate.lib.http import OutboundError
from releasegate.lib.redact import MASK, RedactingFilter, redact, register_secret

SECRET = "s3cr3t-token-for-redaction-tests"


@pytest.fixture(autouse=True)
def registered() -> None:
    register_secret(SECRET, user="deployer")


def test_it_masks_a_registered_secret() -> None:
    assert redact(f"token={SECRET}&x=1") == f"token={MASK}&x=1"


def test_it_masks_the_basic_auth_encoding_of_user_and_secret() -> None:
    header = base64.b64encode(f"deployer:{SECRET}".encode()).decode()

    assert redact(f"Authorization: Basic {header}") == f"Authorization: Basic {MASK}"


def test_it_ignores_values_too_short_to_be_secrets() -> None:
    register_secret("ab")

    assert redact("abc ab") == "abc ab"


def test_outbound_errors_never_carry_the_secret() -> None:
    error = OutboundError(f"GET /?token={SECRET} failed", service="jenkins", permanent=False)

    assert SECRET not in str(error)
    assert SECRET not in error.message


def test_the_log_filter_masks_messages_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("releasegate.test.redaction")
    logger.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("calling with %s", SECRET)
            try:
                raise ValueError(f"bad token {SECRET}")
            except ValueError:
                logger.exception("failed")
    finally:
        logger.filters.clear()

    assert SECRET not in caplog.text
    assert caplog.text.count(MASK) >= 2


def test_temporary_secrets_are_masked_and_forgotten_after_many_more() -> None:
    register_secret("ticket-0000-first", temporary=True)
    assert redact("ticket-0000-first") == MASK

    for n in range(64):
        register_secret(f"ticket-{n:04d}-later", temporary=True)

    assert redact("ticket-0000-first") == "ticket-0000-first"
    assert redact("ticket-0063-later") == MASK
