"""Input fields that take JSON types at their word: DRF's CharField turns 42 into "42",
which would let a wrong type pass unnoticed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": gettext_lazy("Must be a string.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Refuses fields it does not know, naming them: a misspelt field silently ignored
    would be a request that does not say what its sender meant."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                said = _("This field is not known.")
                raise serializers.ValidationError({key[:100]: [said] for key in unknown})
        return super().to_internal_value(data)
