"""The JS-SDK stand-in for the picker bridge (reference section B2): a `jwxwork.js`
served at `/jssdk/jwxwork.js` that a picker page loads instead of WeCom's, and the
signature check behind its `wx.config` / `wx.agentConfig`.

WeCom opens the picker of an externally sourced Selector inside its client; here the
form page (`/_sim/form`, form_page.py) plays the client and shows each picker in an
iframe. The stand-in inside the iframe talks to that page with `postMessage`:
  iframe → page  {wecomSim: "request", id, page, type: "config"|"agentConfig"|"invoke", args}
  page → iframe  {wecomSim: "response", id, res}
`page` names the document that asked: an agentConfig's permissions hold for that
document only, as WeCom's hold for the page that registered, so a picker that
navigates or is sent to another address must register again.
The page checks config signatures with `POST /_sim/jssdk/check` (same origin) and keeps
each control's selection. Outside an iframe every call fails "not in WeCom".

Signature (JS-SDK 签名算法): sha1("jsapi_ticket=T&noncestr=N&timestamp=S&url=U"), U the
page URL without "#…", T the corp ticket for wx.config and the app's agent_config ticket
for wx.agentConfig; the ticket must be current (expired ones fail). WeCom also requires
the page to be on the app's 可信域名: the simulator takes the picker URL's origin as it.
Failure texts are UNCONFIRMED.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.tokens import TicketKind


def signature(ticket: str, noncestr: str, timestamp: str, url: str) -> str:
    plain = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}"
    # The JS-SDK's scheme is SHA-1 (签名算法); the ticket is the secret.
    return hashlib.sha1(plain.encode(), usedforsecurity=False).hexdigest()


def check(world: World, payload: dict[str, Any]) -> dict[str, Any]:
    """Whether a `wx.config` (kind "config") or `wx.agentConfig` (kind "agent_config")
    would succeed: {ok, errMsg, err_msg}."""
    kind: TicketKind = "agent_config" if payload.get("kind") == "agent_config" else "corp"
    name = "agentConfig" if kind == "agent_config" else "config"
    problem = _problem(world, kind, payload)
    message = f"{name}:fail {problem}" if problem else f"{name}:ok"
    return {"ok": not problem, "errMsg": message, "err_msg": message}


def _problem(world: World, kind: TicketKind, payload: dict[str, Any]) -> str:
    settings = world.settings
    url = str(payload.get("url") or "").split("#", 1)[0]
    corpid = payload.get("corpid") or payload.get("appId")
    if corpid != settings.corp_id:
        return "invalid corpid"
    if kind == "agent_config" and str(payload.get("agentid")) != str(settings.agent_id):
        return "invalid agentid"
    with world.lock:
        picker = world.picker_url
        ticket = world.tickets.current(kind, world.clock.now())
    if picker and _origin(url) != _origin(picker):
        return "the page is not on a trusted domain (可信域名)"
    if ticket is None:
        return "invalid signature (no valid jsapi_ticket)"
    expected = signature(
        ticket, str(payload.get("nonceStr") or ""), str(payload.get("timestamp") or ""), url
    )
    if not hmac.compare_digest(expected, str(payload.get("signature") or "")):
        return "invalid signature"
    return ""


def _origin(url: str) -> tuple[str, str]:
    split = urlsplit(url)
    return split.scheme, split.netloc
