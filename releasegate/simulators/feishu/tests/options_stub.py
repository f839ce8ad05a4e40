"""A stand-in for ReleaseGate's external-options endpoints that records every request
and answers as the reference (section A1) describes: projects, and the applications of
the project in `linkage_params`, sealed with the Key when one is set."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from releasegate.simulators.feishu import crypto

PROJECTS = {"proj-payments": "支付"}
APPLICATIONS = {"proj-payments": {"app-gateway": "支付网关"}}


@dataclass
class OptionsStub:
    key: str = ""
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.stub = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/feishu/options"
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, path: str, request: dict[str, Any]) -> dict[str, Any]:
        if path.endswith("/projects"):
            choices = PROJECTS
        else:
            choices = APPLICATIONS.get(request["linkage_params"].get("project", ""), {})
        result: Any = {
            "options": [{"id": k, "value": f"@i18n@{k}", "isDefault": False} for k in choices],
            "i18nResources": [
                {
                    "locale": "zh_cn",
                    "isDefault": True,
                    "texts": {f"@i18n@{k}": text for k, text in choices.items()},
                }
            ],
            "hasMore": False,
        }
        if self.key:
            result = crypto.encrypt(self.key, json.dumps(result, ensure_ascii=False))
        return {"code": 0, "msg": "success!", "data": {"result": result}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        stub: OptionsStub = self.server.stub  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length))
        stub.requests.append((self.path, request))
        body = json.dumps(stub.answer(self.path, request)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return
