"""The log as an operator reads it with LOG_FORMAT=json: every `releasegate` record
written through the console handler's JSON formatter and filters, one object a line."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

JsonLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_lines() -> Iterator[JsonLines]:
    """`json_lines()`: the records written so far, parsed (INFO and above)."""
    # A copy: the configurator consumes the "()" keys of what it is given.
    config: dict[str, Any] = copy.deepcopy(settings.LOGGING)
    configurator = logging.config.DictConfigurator(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["json"]))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("releasegate")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)
