"""A reader for the small part of YAML our Kubernetes examples use, so the tests can check
them without a YAML library among the dependencies.

It reads block mappings and sequences (a sequence indented under its key), plain, double
quoted and JSON-style flow scalars (`["releasegate", "serve"]`), `|` literal blocks,
comments and `---` between documents. Anything else is a `ValueError`, so the examples
stay inside what this reads; a test compares it with PyYAML where that is installed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_INT = re.compile(r"^-?\d+$")


def load_documents(path: Path) -> list[Any]:
    """Every document of a YAML file, in order."""
    documents: list[Any] = []
    for text in re.split(r"^---$", path.read_text(encoding="utf-8"), flags=re.MULTILINE):
        reader = _Reader(text.splitlines())
        start = reader.next_content(0)
        if start is None:
            continue
        document, end = reader.block(start, 0)
        left = reader.next_content(end)
        if left is not None:
            raise ValueError(f"{path.name}: cannot read from line {left + 1} on")
        documents.append(document)
    return documents


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def next_content(self, i: int) -> int | None:
        """The index of the next line that is neither blank nor a comment."""
        while i < len(self.lines):
            stripped = self.lines[i].strip()
            if stripped and not stripped.startswith("#"):
                return i
            i += 1
        return None

    def indent(self, i: int) -> int:
        return len(self.lines[i]) - len(self.lines[i].lstrip(" "))

    def block(self, i: int, indent: int) -> tuple[Any, int]:
        """The mapping or sequence starting at line `i`; returns it and the next line."""
        if self.lines[i].strip().startswith("- "):
            return self.sequence(i, indent)
        return self.mapping(i, indent)

    def mapping(self, i: int, indent: int, first: str | None = None) -> tuple[Any, int]:
        result: dict[str, Any] = {}
        at: int | None = i
        while at is not None and (first is not None or self.indent(at) == indent):
            text = first if first is not None else self.lines[at].strip()
            first = None
            if text.startswith("- "):
                break
            key, _, rest = text.partition(":")
            if key in result or not key or (rest and not rest.startswith(" ")):
                raise ValueError(f"line {at + 1}: not a `key: value` line: {text!r}")
            result[key], at = self.value(at, indent, rest.strip())
        return result, at if at is not None else len(self.lines)

    def sequence(self, i: int, indent: int) -> tuple[Any, int]:
        result: list[Any] = []
        at: int | None = i
        while at is not None and self.indent(at) == indent:
            text = self.lines[at].strip()
            if not text.startswith("- "):
                break
            item = text[2:].strip()
            if re.match(r"^[\w.-]+:( |$)", item):
                value, end = self.mapping(at, indent + 2, first=item)
            else:
                value, end = scalar(item), at + 1
            result.append(value)
            at = self.next_content(end)
        return result, at if at is not None else len(self.lines)

    def value(self, i: int, indent: int, rest: str) -> tuple[Any, int | None]:
        """The value after `key:` on line `i` and the next content line after it."""
        if rest == "|":
            return self.literal(i + 1, indent)
        if rest and not rest.startswith("#"):
            return scalar(rest), self.next_content(i + 1)
        child = self.next_content(i + 1)
        if child is None or self.indent(child) <= indent:
            raise ValueError(f"line {i + 1}: a key without a value")
        value, end = self.block(child, self.indent(child))
        return value, self.next_content(end)

    def literal(self, i: int, indent: int) -> tuple[str, int | None]:
        """A `|` block: the lines indented deeper than its key, dedented, newline-ended."""
        end = i
        while end < len(self.lines) and (not self.lines[end].strip() or self.indent(end) > indent):
            end += 1
        body = self.lines[i:end]
        depth = min(self.indent(n) for n in range(i, end) if self.lines[n].strip())
        text = "\n".join(line[depth:] for line in body).rstrip("\n") + "\n"
        return text, self.next_content(end)


def scalar(text: str) -> Any:
    """A scalar as YAML's core schema reads the forms we use."""
    if text[:1] in ('"', "[", "{"):
        return json.loads(text)
    text = re.sub(r"\s+#.*$", "", text)
    if _INT.match(text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    if text[:1] in ("'", "&", "*", "!", "|", ">", "?", "%", "@", "`"):
        raise ValueError(f"unsupported scalar {text!r}")
    return text
