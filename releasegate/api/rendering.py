"""Answers that can always be written: a body may carry text that is not valid UTF-8
(a lone surrogate in a field name, say), and refusing it names that field."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    """Readable UTF-8 JSON (Chinese stays Chinese); when the answer holds text UTF-8
    cannot encode, the same JSON with every non-ASCII character escaped instead of a 500."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        try:
            rendered: bytes = super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return json.dumps(data, cls=self.encoder_class, allow_nan=not self.strict).encode()
        return rendered
