"""Text from people and from Jenkins placed inside a Markdown message, made inert.

Every chat platform renders its own subset of Markdown (DingTalk's work notifications,
action cards and group robots; Feishu's and WeCom's cards), and none documents whether a
backslash escapes. So nothing is escaped with backslashes: the characters without which
there is no link, image, HTML tag or inline code (`[`, `]`, `<`, a backtick) become their
full-width forms, a newline becomes a space (no value starts a line of its own: no
heading, quote or list), and the `://` of an address becomes `：//` so no client turns it
into a link. The text reads the same to a person on any renderer, and in a plain-text
e-mail. Emphasis (`*`, `_`) is left alone: it cannot make a link, and `_` is common in
parameter values. An address without a scheme (`www.example.com`) stays as typed: a
client that links such text links it, as it would in any chat message.
"""

from __future__ import annotations

from releasegate.lib.links import web_address

_INERT = str.maketrans(
    {"[": "［", "]": "］", "<": "＜", "`": "｀", "\r": " ", "\n": " ", "\t": " "}
)
# Characters that would end a Markdown link's target early, percent-encoded (same URL).
_IN_LINK = str.maketrans({c: f"%{ord(c):02X}" for c in "()[]<>\"'`"})


def markdown_text(value: object) -> str:
    """`value` as text that renders as itself in any Markdown message, on one line."""
    return str(value).translate(_INERT).replace("://", "：//")


def markdown_code_block(text: str) -> list[str]:
    """`text` (a console tail, say) as the lines of a fenced code block. Each line is
    made inert too: DingTalk documents no code blocks, so it may render what is inside."""
    return ["```", *(markdown_text(line) for line in text.splitlines()), "```"]


def markdown_link(label: str, url: str) -> str:
    """A Markdown link with an inert `label`, or just the label when `url` is no web
    address."""
    address = web_address(url)
    shown = markdown_text(label)
    return f"[{shown}]({address.translate(_IN_LINK)})" if address else shown
