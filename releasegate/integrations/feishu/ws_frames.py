"""The frames of Feishu's long connection (reference §A3): each WebSocket message is one
protobuf (proto2) `pbbp2.Frame`, as lark-oapi's `ws/pb/pbbp2_pb2.py` declares it:

    message Header { required string key = 1; required string value = 2; }
    message Frame {
      required uint64 SeqID = 1;  required uint64 LogID = 2;
      required int32 service = 3; required int32 method = 4;   // 0 CONTROL, 1 DATA
      repeated Header headers = 5;
      optional string payload_encoding = 6; optional string payload_type = 7;
      optional bytes payload = 8; optional string LogIDNew = 9;
    }

Encoded by hand rather than with the `protobuf` package: one message of nine fields needs
no generated code, and this keeps the dependency out of every install.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

CONTROL = 0
DATA = 1


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
    # Which optional fields were present (an echo sends back what came).
    present: frozenset[int] = field(default=frozenset(), compare=False)

    def header(self, key: str) -> str:
        return next((value for name, value in self.headers if name == key), "")

    def with_headers(self, **more: str) -> Frame:
        kept = tuple((k, v) for k, v in self.headers if k not in more)
        return replace(self, headers=kept + tuple(more.items()))


def ping(service: int) -> Frame:
    return Frame(service=service, method=CONTROL, headers=(("type", "ping"),))


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # int32/int64 negatives take ten bytes, as protobuf does
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _bytes(number: int, value: bytes) -> bytes:
    return _key(number, 2) + _varint(len(value)) + value


def encode(frame: Frame) -> bytes:
    out = bytearray()
    for number, value in (
        (1, frame.seq_id),
        (2, frame.log_id),
        (3, frame.service),
        (4, frame.method),
    ):
        out += _key(number, 0) + _varint(value)
    for name, text in frame.headers:
        out += _bytes(5, _bytes(1, name.encode()) + _bytes(2, text.encode()))
    optional = (
        (6, frame.payload_encoding.encode()),
        (7, frame.payload_type.encode()),
        (8, frame.payload),
        (9, frame.log_id_new.encode()),
    )
    for number, data in optional:
        if data or number in frame.present:
            out += _bytes(number, data)
    return bytes(out)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def done(self) -> bool:
        return self.at >= len(self.data)

    def varint(self) -> int:
        value = shift = 0
        while True:
            if self.at >= len(self.data) or shift > 63:
                raise MalformedFrame("a number runs past the end")
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    def chunk(self) -> bytes:
        length = self.varint()
        end = self.at + length
        if end > len(self.data):
            raise MalformedFrame("a field runs past the end")
        found, self.at = self.data[self.at : end], end
        return found

    def skip(self, wire: int) -> None:
        if wire == 0:
            self.varint()
        elif wire == 2:
            self.chunk()
        elif wire in (1, 5):
            self.at += 8 if wire == 1 else 4
        else:
            raise MalformedFrame(f"wire type {wire} is not protobuf's")


def _signed32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedFrame("a text field is not UTF-8") from None


def _header(data: bytes) -> tuple[str, str]:
    reader, key, value = _Reader(data), "", ""
    while not reader.done():
        tag = reader.varint()
        if tag >> 3 in (1, 2) and tag & 7 == 2:
            text = _text(reader.chunk())
            key, value = (text, value) if tag >> 3 == 1 else (key, text)
        else:
            reader.skip(tag & 7)
    return key, value


def decode(data: bytes) -> Frame:
    reader = _Reader(data)
    numbers: dict[int, int] = {}
    chunks: dict[int, bytes] = {}
    headers: list[tuple[str, str]] = []
    while not reader.done():
        tag = reader.varint()
        number, wire = tag >> 3, tag & 7
        if number in (1, 2, 3, 4) and wire == 0:
            numbers[number] = reader.varint()
        elif number == 5 and wire == 2:
            headers.append(_header(reader.chunk()))
        elif number in (6, 7, 8, 9) and wire == 2:
            chunks[number] = reader.chunk()
        else:
            reader.skip(wire)
    missing = [n for n in (1, 2, 3, 4) if n not in numbers]
    if missing:
        raise MalformedFrame(f"required fields {missing} are missing")
    return Frame(
        seq_id=numbers[1],
        log_id=numbers[2],
        service=_signed32(numbers[3]),
        method=_signed32(numbers[4]),
        headers=tuple(headers),
        payload_encoding=_text(chunks.get(6, b"")),
        payload_type=_text(chunks.get(7, b"")),
        payload=chunks.get(8, b""),
        log_id_new=_text(chunks.get(9, b"")),
        present=frozenset(chunks),
    )
