"""In the plain log format a value with a newline (an instance id, say) cannot start a
line that reads as a record of its own: control characters are escaped, and a
traceback's lines are indented under their record."""

from __future__ import annotations

import copy
import io
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

FORGED = "inst-1\n2026-12-05 10:00:00,000 INFO releasegate.releases release 9 approved by boss"


@pytest.fixture
def plain_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the plain formatter and the console filters exactly as
    settings.LOGGING builds them, into a buffer."""
    config: dict[str, Any] = copy.deepcopy(settings.LOGGING)
    configurator = logging.config.DictConfigurator(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["plain"]))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    logger = logging.getLogger("releasegate.test.plainlog")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def test_a_newline_in_a_value_stays_on_the_records_line(
    plain_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = plain_log

    logger.warning("ingest of %s failed\r\x1b[2K", FORGED)

    [line] = stream.getvalue().splitlines()
    assert line.endswith(
        "WARNING releasegate.test.plainlog ingest of inst-1\\n2026-12-05 10:00:00,000 INFO "
        "releasegate.releases release 9 approved by boss failed\\r\\x1b[2K"
    )


def test_a_traceback_is_indented_under_its_record(
    plain_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = plain_log

    try:
        raise ValueError(f"no instance {FORGED}")
    except ValueError:
        logger.exception("ingest of %s failed", "inst-1")

    first, *rest = stream.getvalue().splitlines()
    assert first.endswith("ERROR releasegate.test.plainlog ingest of inst-1 failed")
    assert rest[0] == "    Traceback (most recent call last):"
    assert all(line.startswith("    ") for line in rest)
    assert rest[-1].startswith("    2026-12-05 10:00:00,000 INFO releasegate.releases")


def test_unicode_line_separators_are_escaped_too(
    plain_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = plain_log

    logger.info("approver %s", "lisi\u2028forged\x85line")

    assert stream.getvalue() == stream.getvalue().splitlines()[0] + "\n"
    assert "lisi\\u2028forged\\x85line" in stream.getvalue()
