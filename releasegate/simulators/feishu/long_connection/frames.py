"""The frames of Feishu's long connection (reference section A3): every WebSocket message
is one protobuf (proto2) `pbbp2.Frame`, as lark-oapi's `ws/pb/pbbp2_pb2.py` declares it:

    message Header { required string key = 1; required string value = 2; }
    message Frame {
      required uint64 SeqID = 1;  required uint64 LogID = 2;
      required int32 service = 3; required int32 method = 4;   // 0 CONTROL, 1 DATA
      repeated Header headers = 5;
      optional string payload_encoding = 6; optional string payload_type = 7;
      optional bytes payload = 8; optional string LogIDNew = 9;
    }

Encoded by hand: the `protobuf` package is no dependency of ours (lark-oapi vendors its
own copy), and the simulator ships in the wheel. The tests check this codec against
lark-oapi's generated one.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

CONTROL = 0
DATA = 1
_REQUIRED = (1, 2, 3, 4)
_TEXTS = {6: "payload_encoding", 7: "payload_type", 9: "log_id_new"}


class MalformedFrame(ValueError):
    """Bytes that are not a pbbp2.Frame."""


@dataclass(frozen=True)
class Frame:
    seq_id: int = 0
    log_id: int = 0
    service: int = 0
    method: int = CONTROL
    headers: tuple[tuple[str, str], ...] = ()
    payload_encoding: str = ""
    payload_type: str = ""
    payload: bytes = b""
    log_id_new: str = ""

    def header(self, key: str) -> str:
        return next((value for name, value in self.headers if name == key), "")


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # a negative int32 takes ten bytes, as in protobuf
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def encode(frame: Frame) -> bytes:
    numbers = (frame.seq_id, frame.log_id, frame.service, frame.method)
    out = b"".join(_varint(n << 3) + _varint(v) for n, v in zip(_REQUIRED, numbers, strict=True))
    for key, value in frame.headers:
        out += _field(5, _field(1, key.encode()) + _field(2, value.encode()))
    for number, name in _TEXTS.items():
        if getattr(frame, name):
            out += _field(number, str(getattr(frame, name)).encode())
    if frame.payload:
        out += _field(8, frame.payload)
    return out


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) in order: an int for varints, bytes for length-delimited."""
    found: list[tuple[int, int | bytes]] = []
    at = 0

    def varint() -> int:
        nonlocal at
        value = shift = 0
        while True:
            if at >= len(data) or shift > 63:
                raise MalformedFrame("a number runs past the end")
            byte, at = data[at], at + 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    while at < len(data):
        tag = varint()
        wire = tag & 7
        if wire == 0:
            found.append((tag >> 3, varint()))
        elif wire == 2:
            length = varint()
            if at + length > len(data):
                raise MalformedFrame("a field runs past the end")
            found.append((tag >> 3, data[at : at + length]))
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise MalformedFrame(f"wire type {wire} is not protobuf's")
    return found


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise MalformedFrame("a text field holds a number")
    try:
        return value.decode()
    except UnicodeDecodeError:
        raise MalformedFrame("a text field is not UTF-8") from None


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def decode(data: bytes) -> Frame:
    """The frame in `data`; raises MalformedFrame."""
    numbers: dict[int, int] = {}
    values: dict[str, Any] = {}
    headers: list[tuple[str, str]] = []
    for number, value in _fields(data):
        if number in _REQUIRED and isinstance(value, int):
            numbers[number] = value
        elif number == 5 and isinstance(value, bytes):
            pair = dict(_fields(value))
            headers.append((_text(pair.get(1, b"")), _text(pair.get(2, b""))))
        elif number in _TEXTS:
            values[_TEXTS[number]] = _text(value)
        elif number == 8 and isinstance(value, bytes):
            values["payload"] = value
    missing = [n for n in _REQUIRED if n not in numbers]
    if missing:
        raise MalformedFrame(f"required fields {missing} are missing")
    seq_id, log_id, service, method = (numbers[n] for n in _REQUIRED)
    return Frame(seq_id, log_id, _int32(service), _int32(method), tuple(headers), **values)


# -- what the gateway sends ----------------------------------------------------------------


def pong(ping: Frame, client_config: dict[str, int]) -> Frame:
    """The answer to a client's ping: a CONTROL `pong` carrying the ClientConfig, which
    lark-oapi applies whole (every one of the four values)."""
    payload = json.dumps(client_config).encode()
    return Frame(service=ping.service, method=CONTROL, headers=(("type", "pong"),), payload=payload)


def event_frames(
    payload: bytes, *, service: int, message_id: str, trace_id: str, part_size: int
) -> list[Frame]:
    """An event as DATA frames: one, or `sum` parts of at most `part_size` bytes that the
    client puts back together by `message_id` in `seq` order."""
    parts = [payload[at : at + part_size] for at in range(0, len(payload), part_size)] or [b""]
    return [
        Frame(
            service=service,
            method=DATA,
            headers=(
                ("type", "event"),
                ("message_id", message_id),
                ("sum", str(len(parts))),
                ("seq", str(seq)),
                ("trace_id", trace_id),
            ),
            payload=part,
        )
        for seq, part in enumerate(parts)
    ]


def card_frame(payload: bytes, *, service: int, message_id: str, trace_id: str) -> Frame:
    """A card callback as one DATA frame of type `card`."""
    return Frame(
        service=service,
        method=DATA,
        headers=(
            ("type", "card"),
            ("message_id", message_id),
            ("sum", "1"),
            ("seq", "0"),
            ("trace_id", trace_id),
        ),
        payload=payload,
    )


def card_answer(frame: Frame) -> bytes | None:
    """The app's answer carried in a card frame's ACK (`data`: base64 of its JSON); None
    when the ACK carries none or says the handler failed."""
    try:
        ack = json.loads(frame.payload)
        data = ack.get("data") if isinstance(ack, dict) and ack.get("code") == 200 else None
        return base64.b64decode(data, validate=True) if isinstance(data, str) else None
    except ValueError:
        return None


def ack_code(frame: Frame) -> int | None:
    """The `code` of a client's ACK (the event frame echoed with payload `{"code": 200,
    …}`, 500 when its handler failed); None when the payload says none."""
    try:
        answer = json.loads(frame.payload)
    except ValueError:
        return None
    code = answer.get("code") if isinstance(answer, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None
