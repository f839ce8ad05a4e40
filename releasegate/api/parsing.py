"""Reading request bodies so that nothing a client sends can become a 500."""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import IO, Any

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# Far above any real request (a few fields and parameters), far below what would cost
# memory; DRF itself reads the body without any limit.
MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"the body is larger than {MAX_BODY_BYTES} bytes"
    default_code = "body_too_large"


class StrictJSONParser(JSONParser):
    """DRF's JSON parser with a size limit, which also refuses bodies nested too deeply
    for Python's parser (a RecursionError there would otherwise be a 500)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            text = codecs.decode(raw, encoding)
            return json.loads(text, parse_constant=_no_constants)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply") from None
        except (ValueError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
