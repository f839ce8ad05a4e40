"""A Feishu long-connection peer on loopback for the client's tests: the endpoint call
over HTTP and the WebSocket that pushes protobuf frames, written from the reference
(§A3) and lark-oapi's ws/client.py, independent of the client under test except for the
frame codec (itself checked against lark-oapi's generated one)."""

from __future__ import annotations

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from releasegate.integrations.feishu.ws_frames import CONTROL, DATA, Frame, decode, encode

APP_ID, APP_SECRET = "cli_peer", "peer-secret"


class FeishuPeer:
    def __init__(self, *, ping_interval: int = 120, refuse: str = "") -> None:
        self.ping_interval = ping_interval
        # "" answers the endpoint call; a number is the endpoint's refusal code.
        self.refuse = refuse
        self.acks: queue.Queue[Frame] = queue.Queue()
        self.pings = 0
        self.connections: list[ServerConnection] = []
        self._ws: Server = serve(self._session, "127.0.0.1", 0, compression=None)
        self._ws_thread = threading.Thread(target=self._ws.serve_forever, daemon=True)
        peer = self

        class Endpoint(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if peer.refuse or body != {"AppID": APP_ID, "AppSecret": APP_SECRET}:
                    answer: dict[str, Any] = {"code": int(peer.refuse or 514), "msg": "auth failed"}
                else:
                    url = f"ws://127.0.0.1:{peer.ws_port}/ws?device_id=d1&service_id=7"
                    config = {
                        "ReconnectCount": -1,
                        "ReconnectInterval": 120,
                        "ReconnectNonce": 30,
                        "PingInterval": peer.ping_interval,
                    }
                    answer = {"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
        self._http_thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._http.server_port}"

    @property
    def ws_port(self) -> int:
        return int(self._ws.socket.getsockname()[1])

    def start(self) -> FeishuPeer:
        self._ws_thread.start()
        self._http_thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._ws.shutdown()

    def _session(self, connection: ServerConnection) -> None:
        self.connections.append(connection)
        try:
            for raw in connection:
                assert isinstance(raw, bytes)
                frame = decode(raw)
                if frame.method == CONTROL and frame.header("type") == "ping":
                    self.pings += 1
                    pong = Frame(service=frame.service, method=CONTROL, headers=(("type", "pong"),))
                    connection.send(encode(pong))
                elif frame.method == DATA:
                    self.acks.put(frame)
        except ConnectionClosed:
            pass

    def push(self, message: dict[str, Any], *, message_id: str = "m1", parts: int = 1) -> None:
        """Send an event on the newest connection, split in `parts` frames."""
        payload = json.dumps(message).encode()
        size = -(-len(payload) // parts)
        for seq in range(parts):
            frame = Frame(
                seq_id=seq + 1,
                log_id=99,
                service=7,
                method=DATA,
                headers=(
                    ("type", "event"),
                    ("message_id", message_id),
                    ("sum", str(parts)),
                    ("seq", str(seq)),
                    ("trace_id", "t-1"),
                ),
                payload=payload[seq * size : (seq + 1) * size],
            )
            self.connections[-1].send(encode(frame))

    def ack(self, timeout: float = 10) -> tuple[Frame, dict[str, Any]]:
        frame = self.acks.get(timeout=timeout)
        return frame, json.loads(frame.payload)
