"""How a pruned exported object is written in each flavour of Jenkins' remote API.

Source: jenkinsci/stapler core/src/main/java/org/kohsuke/stapler/export/:
- JSONDataWriter: compact `{"a":1}`; with `pretty`, two-space indents and `"a" : 1`.
  Strings escape `"`, `\\`, `\\n`, `\\r`, `\\t`, ISO control characters (U+0000-U+001F and
  U+007F-U+009F) and surrogates as `\\uXXXX`; everything else is written as it is.
- PythonDataWriter: the JSON writer with `None`, `True` and `False` (read with
  `ast.literal_eval`).
- XMLDataWriter: the root element is the bean's simple class name, decapitalised
  (`hudson`, `freeStyleProject`, `waitingItem`); `_class` is an attribute; a null is left
  out; a list is its elements repeated under the singular of the property's name
  (`jobs` -> `<job>`, `authorities` -> `<authority>`); no pretty printing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

CONTENT_TYPES = {
    "json": "application/json;charset=UTF-8",
    "python": "text/x-python;charset=UTF-8",
    "xml": "application/xml;charset=UTF-8",
}
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# U+007F-U+009F and characters outside the BMP: escaped by Stapler, not by json.dumps.
_ONLY_STAPLER_ESCAPES = re.compile("[\x7f-\x9f\U00010000-\U0010ffff]")
_NEEDS_ESCAPE = re.compile('["\\\\\\x00-\\x1f\\x7f-\\x9f\\U00010000-\\U0010ffff]')


def write_json(data: Any, pretty: bool = False) -> str:
    if not pretty:
        # The C encoder writes what JSONDataWriter writes, except for the characters
        # only Stapler escapes; a quick scan of its output finds those rare cases.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if not _ONLY_STAPLER_ESCAPES.search(text):
            return text
    return _Writer(pretty, ("null", "true", "false")).write(data)


def write_python(data: Any, pretty: bool = False) -> str:
    return _Writer(pretty, ("None", "True", "False")).write(data)


def quote_text(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        code = ord(char)
        if code > 0xFFFF:
            # Java strings are UTF-16: such a character is two surrogates, each escaped.
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return _JSON_ESCAPES.get(char) or f"\\u{code:04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


class _Writer:
    def __init__(self, pretty: bool, literals: tuple[str, str, str]) -> None:
        self.pretty = pretty
        self.null, self.true, self.false = literals
        self.parts: list[str] = []

    def write(self, data: Any) -> str:
        self._value(data, 0)
        return "".join(self.parts)

    def _newline(self, level: int) -> None:
        if self.pretty:
            self.parts.append("\n" + "  " * level)

    def _value(self, value: Any, level: int) -> None:
        if isinstance(value, dict):
            self._container("{", "}", list(value.items()), level)
        elif isinstance(value, list):
            self._container("[", "]", [(None, item) for item in value], level)
        elif value is None:
            self.parts.append(self.null)
        elif isinstance(value, bool):
            self.parts.append(self.true if value else self.false)
        elif isinstance(value, str):
            self.parts.append(quote_text(value))
        else:
            self.parts.append(str(value))

    def _container(
        self, opening: str, closing: str, entries: list[tuple[str | None, Any]], level: int
    ) -> None:
        self.parts.append(opening)
        self._newline(level + 1)
        for index, (name, value) in enumerate(entries):
            if index:
                self.parts.append(",")
                self._newline(level + 1)
            if name is not None:
                self.parts.append(f'"{name}"' + (" : " if self.pretty else ":"))
            self._value(value, level + 1)
        self._newline(level)
        self.parts.append(closing)


def root_element(java_class: str) -> str:
    """Introspector.decapitalize(Class.getSimpleName())."""
    simple = java_class.rsplit(".", 1)[-1].rsplit("$", 1)[-1]
    if len(simple) > 1 and simple[:2].isupper():
        return simple
    return simple[:1].lower() + simple[1:]


def write_xml(data: dict[str, Any], name: str) -> str:
    parts: list[str] = []
    _xml_object(data, _xml_name(name), parts.append)
    return "".join(parts)


def _xml_object(data: dict[str, Any], tag: str, out: Callable[[str], None]) -> None:
    java_class = data.get("_class")
    out(f"<{tag}" + (f" _class='{_escape(java_class)}'>" if java_class else ">"))
    for name, value in data.items():
        if name != "_class":
            _xml_property(_xml_name(name), value, out, in_list=False)
    out(f"</{tag}>")


def _xml_property(tag: str, value: Any, out: Callable[[str], None], in_list: bool) -> None:
    if in_list:
        tag = singular(tag)
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _xml_property(tag, item, out, in_list=True)
    elif isinstance(value, dict):
        _xml_object(value, tag, out)
    elif isinstance(value, bool):
        out(f"<{tag}>{'true' if value else 'false'}</{tag}>")
    else:
        out(f"<{tag}>{_escape(str(value))}</{tag}>")


def singular(name: str) -> str:
    """XMLDataWriter.toSingular: `ies` -> `y`, else a final `s` dropped."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def _xml_name(name: str) -> str:
    """XMLDataWriter.makeXmlName, for the ASCII names exported here."""
    name = name or "_"
    if not (name[0].isalpha() or name[0] == "_"):
        name = name[1:] if len(name) > 1 and (name[1].isalpha() or name[1] == "_") else "_" + name
    return name[:1] + re.sub(r"[^\w.\-]", "", name[1:])


def _escape(text: str) -> str:
    """Stapler.escape: only &, < and >."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
