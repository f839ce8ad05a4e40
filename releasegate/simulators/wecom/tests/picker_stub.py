"""A stand-in for ReleaseGate's picker pages, for the browser test: a loopback HTTP server
whose `/picker/<source>?selectorType=…&key=…` page loads the simulator's JS-SDK
stand-in, signs `wx.agentConfig` for its own URL with the app's agent_config ticket
(fetched from the simulator like ReleaseGate would), restores the current pick with
`getApprovalSelectedItems` and saves a clicked option with `saveApprovalSelectedItems`.
`#status` shows the last answer. With `bad_signature` set it signs wrongly."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from releasegate.simulators.wecom.server import WeComSimulator

OPTIONS = {
    "projects": [{"key": "proj-payments", "value": "支付"}],
    "applications": [{"key": "app-gateway", "value": "网关"}],
}
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="%(jssdk)s"></script></head><body><p id="status">loading</p><div id="options"></div>
<script>
var key = new URLSearchParams(location.search).get("key");
var config = %(config)s;
var show = function (text) { document.getElementById("status").textContent = text; };
config.success = function () {
  wx.invoke("getApprovalSelectedItems", {key: key}, function (res) {
    show("ready " + res.selectedData);
    %(options)s.forEach(function (option) {
      var button = document.createElement("button");
      button.textContent = option.value;
      button.onclick = function () {
        var data = JSON.stringify([option]);
        wx.invoke("saveApprovalSelectedItems", {key: key, selectedData: data}, function (r) {
          show(r.err_msg);
        });
      };
      document.getElementById("options").appendChild(button);
    });
  });
};
config.fail = function (res) { show(res.errMsg); };
wx.agentConfig(config);
</script></body></html>"""


class PickerStub:
    def __init__(self, simulator: WeComSimulator) -> None:
        self.simulator = simulator
        self.bad_signature = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.stub = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/picker"
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def page(self, path: str) -> str:
        settings, base = self.simulator.settings, self.simulator.url
        url = f"http://127.0.0.1:{self._httpd.server_port}{path}"
        nonce, timestamp = secrets.token_hex(8), "1700000000"
        ticket = self._agent_ticket() + ("-not-this-one" if self.bad_signature else "")
        plain = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
        config = {
            "corpid": settings.corp_id,
            "agentid": settings.agent_id,
            "timestamp": timestamp,
            "nonceStr": nonce,
            "signature": hashlib.sha1(plain.encode(), usedforsecurity=False).hexdigest(),
            "jsApiList": ["getApprovalSelectedItems", "saveApprovalSelectedItems"],
        }
        source = path.split("?", 1)[0].rsplit("/", 1)[-1]
        return PAGE % {
            "jssdk": f"{base}jssdk/jwxwork.js",
            "config": json.dumps(config),
            "options": json.dumps(OPTIONS.get(source, []), ensure_ascii=False),
        }

    def _agent_ticket(self) -> str:
        settings, api = self.simulator.settings, f"{self.simulator.url}cgi-bin/"
        token = httpx.get(
            f"{api}gettoken",
            params={"corpid": settings.corp_id, "corpsecret": settings.corp_secret},
        ).json()["access_token"]
        answer = httpx.get(
            f"{api}ticket/get", params={"access_token": token, "type": "agent_config"}
        )
        return str(answer.json()["ticket"])


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        stub: PickerStub = self.server.stub  # type: ignore[attr-defined]
        body = stub.page(self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return
