"""WeCom's callback crypto (WXBizMsgCrypt, reference feishu-wecom.md §E1): the scheme of
releasegate.lib.msgcrypt with the corp id as the receive id, second timestamps, and XML.

`open_url_check` answers the URL check (`GET ?msg_signature&timestamp&nonce&echostr`);
`open_callback` reads a POSTed `<xml><Encrypt>…</Encrypt></xml>`. Both verify the
signature before decrypting, and every failure raises `SignatureError` (the caller
answers every one alike; the reason is for the log).
"""

from __future__ import annotations

import time
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from releasegate.lib.msgcrypt import MessageCrypto, SignatureError

__all__ = ["SignatureError", "WeComCrypto", "parse_xml"]

# WeCom gives no skew window for its timestamps; five minutes either way is ours.
WINDOW_SECONDS = 300


class WeComCrypto(MessageCrypto):
    """One app's callback credentials: the Token, the EncodingAESKey and the corp id."""

    def open_url_check(self, signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The plaintext of `echostr`, to answer WeCom's URL check with."""
        self.verify(signature, timestamp, nonce, echostr)
        _fresh(timestamp)
        return self.decrypt(echostr)

    def open_callback(self, signature: str, timestamp: str, nonce: str, body: bytes) -> Element:
        """The decrypted event XML of a callback."""
        encrypt = _text(parse_xml(body), "Encrypt")
        self.verify(signature, timestamp, nonce, encrypt)
        _fresh(timestamp)
        return parse_xml(self.decrypt(encrypt).encode("utf-8"))


def parse_xml(data: bytes) -> Element:
    """Untrusted XML, parsed without entities, DTDs or external references."""
    try:
        root: Element = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise SignatureError("the body is not XML WeCom would send") from None
    return root


def _text(root: Element, name: str) -> str:
    found = root.findtext(name)
    if not found:
        raise SignatureError(f"the callback has no {name}")
    return found


def _fresh(timestamp: str, now: float | None = None) -> None:
    if not timestamp.isdigit():
        raise SignatureError("the timestamp is not a number")
    if abs((time.time() if now is None else now) - int(timestamp)) > WINDOW_SECONDS:
        raise SignatureError("the timestamp is outside the 5-minute window")
