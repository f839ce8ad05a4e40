"""A constant HTTP answer with next to no server cost, for bench/load.py to find what the
load generator alone can drive on this machine (its ceiling): if that is far above what
the Django servers answer, the generator is not what limits them.

    python bench/load_ceiling.py PORT
"""

from __future__ import annotations

import asyncio
import sys

ANSWER = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
)


class ConstantAnswer(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        # The generator's requests carry a small body after the head; one answer per
        # complete request (head plus Content-Length bytes).
        self.buffer += data
        while (end := self._request_end()) is not None:
            self.buffer = self.buffer[end:]
            if isinstance(self.transport, asyncio.Transport):
                self.transport.write(ANSWER)

    def _request_end(self) -> int | None:
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        length = 0
        for line in self.buffer[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        end = head_end + 4 + length
        return end if len(self.buffer) >= end else None


async def serve(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(ConstantAnswer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
