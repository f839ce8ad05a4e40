from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from releasegate.lib.log_context import working_on
from releasegate.lib.redact import register_secret

SECRET = "json-log-secret-value-42"


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the console handler exactly as settings.LOGGING builds it
    with LOG_FORMAT=json (formatter and filters), into a buffer."""
    # A copy: the configurator consumes the "()" keys of what it is given.
    config: dict[str, Any] = copy.deepcopy(settings.LOGGING)
    configurator = logging.config.DictConfigurator(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["json"]))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    logger = logging.getLogger("releasegate.test.jsonlog")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_a_json_object_with_time_level_logger_and_message(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log

    logger.warning("queue item %s expired", 12)

    [line] = lines(stream)
    assert line["level"] == "WARNING"
    assert line["logger"] == "releasegate.test.jsonlog"
    assert line["message"] == "queue item 12 expired"
    assert line["time"].startswith("20") and "T" in line["time"]
    assert "release_id" not in line


def test_a_record_about_a_release_carries_its_id(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log

    with working_on(42):
        logger.info("triggered")

    assert lines(stream)[0]["release_id"] == 42


def test_secrets_are_masked_in_messages_and_tracebacks(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    register_secret(SECRET)

    try:
        raise RuntimeError(f"refused {SECRET}")
    except RuntimeError:
        logger.exception("calling with %s failed", SECRET)

    [line] = lines(stream)
    assert SECRET not in stream.getvalue()
    assert line["message"] == "calling with *** failed"
    assert "RuntimeError: refused ***" in line["exc_info"]


def test_plain_stays_the_default_format() -> None:
    logging_settings: dict[str, Any] = settings.LOGGING
    assert logging_settings["handlers"]["console"]["formatter"] == "plain"
