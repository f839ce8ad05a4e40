"""The plain log format: one record, one line, whatever its values say.

Values in messages come from outside (an approval's instance id, a job name, a reason):
a newline in one would start a line that reads as a record of its own. So control
characters in the message are escaped (`\\n`, `\\x1b`, the Unicode line separators
too), and the lines of a traceback, which are many by design, are indented under their
record: a line that starts at the margin is always a record's first. The JSON format
needs none of this (json escapes them).
"""

from __future__ import annotations

import logging
import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTINUATION = "    "


def escape_controls(text: str) -> str:
    """`text` with every control character written as its escape."""
    return _CONTROL.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    char = found.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        saved = record.msg, record.args
        record.msg, record.args = escape_controls(record.getMessage()), None
        try:
            first, *rest = super().format(record).split("\n")
        finally:
            record.msg, record.args = saved
        below = (_CONTINUATION + escape_controls(line) for line in rest)
        return "\n".join([first, *below])
