"""The picker pages (`/wecom/picker/…`) WeCom opens for the template's external-option
selectors (审批控件中的外部选项, reference feishu-wecom.md §B2).

WeCom's form cannot ask a server for options: for a selector whose source is 关联外部选项
it opens the page at the configured address inside the WeCom client, adding
`?selectorType=single|multi&key=…`. The page shows the choices from ReleaseGate's catalog
(never asking Jenkins) and saves the one a person taps with the JS-SDK's
`saveApprovalSelectedItems({key, selectedData})`; the saved option key comes back in
`getapprovaldetail`'s selector options, where `approvals.py` reads it.

- `projects`: the projects; `applications`: a project, then its applications;
  `choices/<PARAMETER>`: a project, an application, then that parameter's choices. Each
  selector opens its own page and the JS-SDK returns only that control's selection, so a
  page cannot see what another control chose: the narrowing happens on the page.
- The page signs `wx.agentConfig` with the app's jsapi ticket (`ticket/get?type=agent_config`,
  cached and refreshed before it expires): sha1 of
  `jsapi_ticket=…&noncestr=…&timestamp=…&url=<this page's address without the fragment>`.
  Behind a proxy, RELEASEGATE_PUBLIC_URL gives the address people's WeCom sees.
- With `WECOM_PICKER_TOKEN` set, the pages answer only addresses that carry it (`t=…`,
  part of the page address configured in the template): they show the catalog's names.

Option keys are ReleaseGate's (`releasegate.catalog.option_ids`), so they are unique
across the template's selectors. Every failure is a readable page, never a blank one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import (
    application_option,
    find_application,
    find_project,
    parameter_values,
    project_option,
)
from releasegate.catalog.option_ids import application_id, choice_id, chosen, project_id
from releasegate.config import WeComSettings
from releasegate.integrations.guard import public_endpoint
from releasegate.lib.http import OutboundError

logger = logging.getLogger("releasegate.wecom.picker")

# WeCom's own JS-SDK (jwxwork) by default; the simulator serves a stand-in for tests.
DEFAULT_JSSDK_URL = "https://open.work.weixin.qq.com/wwopen/js/jwxwork-1.0.0.js"
_KEPT = ("selectorType", "key", "t")
_STYLE = """
body{font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
  margin:0;
  padding:12px;
  color:#1f2329;
  background:#fff}
@media (prefers-color-scheme: dark){body{color:#e8e8e8;
  background:#1b1b1b} a.option{border-color:#444}}
h1{font-size:18px;margin:4px 0 12px} p.note{color:#8f959e;font-size:14px}
a.option{display:block;
  padding:12px;
  margin:8px 0;
  border:1px solid #dee0e3;
  border-radius:8px;
  color:inherit;
  text-decoration:none}
p.problem{color:#d83931} #status{font-weight:600}
"""


def agent_config_signature(ticket: str, nonce: str, timestamp: int, url: str) -> str:
    """`wx.agentConfig`'s signature (JS-SDK 使用权限签名算法)."""
    plain = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url.split('#')[0]}"
    return hashlib.sha1(plain.encode("utf-8"), usedforsecurity=False).hexdigest()


def _page(title: str, body: str, script: str = "", status: int = 200) -> HttpResponse:
    html = f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{escape(title)}</h1>
{body}
<p id="status" role="status"></p>
{script}
</body></html>"""
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _problem(title: str, message: str, status: int = 200) -> HttpResponse:
    return _page(
        title, f'<p class="problem" data-testid="problem">{escape(message)}</p>', status=status
    )


def _link(request: HttpRequest, **more: str) -> str:
    kept = {name: request.GET[name] for name in _KEPT if request.GET.get(name)}
    return "?" + urlencode({**kept, **more})


def _options(items: list[tuple[str, str, str]]) -> str:
    """Links to follow (href) or choices to save (data-key)."""
    rows = []
    for text, href, key in items:
        if key:
            data = f'data-key="{escape(key)}" data-value="{escape(text)}"'
            rows.append(f'<a class="option" href="#" {data}>{escape(text)}</a>')
        else:
            rows.append(f'<a class="option" href="{escape(href)}">{escape(text)}</a>')
    return "\n".join(rows) or '<p class="note">没有可选的项</p>'


def _saver(request: HttpRequest, wecom: WeComSettings) -> str | HttpResponse:
    """The script that signs agentConfig and saves a tapped choice; a problem page when
    the ticket cannot be had."""
    from releasegate.integrations.wecom.provider import shared_client

    try:
        ticket = shared_client(settings.CONFIG).agent_ticket()
    except OutboundError as exc:
        logger.warning("the picker could not get WeCom's jsapi ticket: %s", exc)
        return _problem("无法打开选择页", "暂时无法连接企业微信，请稍后重试。", status=503)
    public = settings.CONFIG.public_url
    url = (public.rstrip("/") + request.get_full_path()) if public else request.build_absolute_uri()
    nonce, timestamp = secrets.token_hex(8), int(time.time())
    config = {
        "corpid": wecom.corp_id,
        "agentid": str(wecom.agent_id),
        "timestamp": timestamp,
        "nonceStr": nonce,
        "signature": agent_config_signature(ticket, nonce, timestamp, url),
        "key": request.GET.get("key", ""),
    }
    jssdk = escape(wecom.jssdk_url or DEFAULT_JSSDK_URL)
    data = json.dumps(config).replace("<", "\\u003c")
    return f"""<script src="{jssdk}"></script>
<script>
(function () {{
  var c = {data}, status = document.getElementById("status");
  function say(text) {{ status.textContent = text; }}
  if (!window.wx || !wx.agentConfig) {{ say("请在企业微信中打开此页面"); return; }}
  wx.agentConfig({{
    corpid: c.corpid, agentid: c.agentid, timestamp: c.timestamp, nonceStr: c.nonceStr,
    signature: c.signature, jsApiList: ["saveApprovalSelectedItems", "getApprovalSelectedItems"],
    success: function () {{
      document.body.setAttribute("data-ready", "yes");
      wx.invoke("getApprovalSelectedItems", {{key: c.key}}, function (res) {{
        try {{
          var got = JSON.parse(res.selectedData || "[]");
          if (got.length) say("当前选择：" + got[0].value);
        }} catch (e) {{}}
      }});
    }},
    fail: function () {{ say("企业微信校验签名失败，请关闭后重新打开此页面"); }}
  }});
  document.addEventListener("click", function (event) {{
    var a = event.target.closest("a[data-key]");
    if (!a) return;
    event.preventDefault();
    var value = a.getAttribute("data-value");
    var picked = JSON.stringify([{{key: a.getAttribute("data-key"), value: value}}]);
    wx.invoke("saveApprovalSelectedItems", {{key: c.key, selectedData: picked}}, function (res) {{
      var ok = res && /:ok$/.test(res.err_msg || "");
      say(ok ? "已选择：" + value + "，请返回审批单" : "保存失败，请重试");
    }});
  }});
}})();
</script>"""


def _guarded(request: HttpRequest) -> WeComSettings | HttpResponse:
    wecom = settings.CONFIG.wecom
    if wecom is None:
        return _problem("无法打开选择页", "此服务器未配置企业微信。", status=503)
    token = wecom.picker_token
    if token and not hmac.compare_digest(request.GET.get("t", "").encode(), token.encode()):
        return _problem(
            "无法打开选择页",
            "页面地址不完整，请联系管理员检查审批模板中的外部选项地址。",
            status=403,
        )
    return wecom


def _render(
    request: HttpRequest,
    title: str,
    items: list[tuple[str, str, str]] | str,
    note: str = "",
) -> HttpResponse:
    """The page; `items` as (text, link, key) or their HTML already made."""
    wecom = _guarded(request)
    if isinstance(wecom, HttpResponse):
        return wecom
    script = _saver(request, wecom)
    if isinstance(script, HttpResponse):
        return script
    lead = f'<p class="note">{escape(note)}</p>' if note else ""
    listed = items if isinstance(items, str) else _options(items)
    return _page(title, lead + listed, script)


def _kept(about: tuple[str, ...], items: Callable[[], list[tuple[str, str, str]]]) -> str:
    """Choices to save, as HTML made once per catalog snapshot: a person opens the same
    page again and again (the links to a next step carry the request's own query, so
    those pages are made each time)."""
    return snapshot.current().remember(("wecom-picker", *about), lambda: _options(items()))


def _projects_to(request: HttpRequest) -> list[tuple[str, str, str]]:
    """The projects, as links to the page's next step."""
    items = []
    for project in snapshot.current().projects:
        key, text = project_option(project)
        items.append((text, _link(request, project=key), ""))
    return items


@xframe_options_exempt
@public_endpoint
@require_GET
def projects(request: HttpRequest) -> HttpResponse:
    def items() -> list[tuple[str, str, str]]:
        found = []
        for project in snapshot.current().projects:
            key, text = project_option(project)
            found.append((text, "", project_id(key)))
        return found

    return _render(request, "选择项目", _kept(("projects",), items))


@xframe_options_exempt
@public_endpoint
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("project", "")
    if not asked:
        return _render(request, "选择应用", _projects_to(request), "先选择项目")
    project = find_project(snapshot.current(), chosen(asked) or asked)
    if project is None:
        return _problem(
            "选择应用", f"项目 {asked[:80]} 不存在或未开放发布，请返回重新选择。", status=404
        )
    listed = _kept(
        ("applications", project.key),
        lambda: [
            (label, "", application_id(key))
            for key, label in map(application_option, project.applications)
        ],
    )
    return _render(request, "选择应用", listed, project_option(project)[1])


@xframe_options_exempt
def choices(request: HttpRequest, parameter: str) -> HttpResponse:
    def view(request: HttpRequest) -> HttpResponse:
        return _choices(request, parameter)

    return public_endpoint(require_GET(view))(request)


def _choices(request: HttpRequest, parameter: str) -> HttpResponse:
    catalog = snapshot.current()
    asked_project = request.GET.get("project", "")
    asked_application = request.GET.get("application", "")
    title = f"选择 {parameter}"
    if not asked_project and not asked_application:
        return _render(request, title, _projects_to(request), "先选择项目和应用")
    if not asked_application:
        project = find_project(catalog, asked_project)
        if project is None:
            return _problem(title, f"项目 {asked_project[:80]} 不存在或未开放发布。", status=404)
        items = [
            (label, _link(request, application=key), "")
            for key, label in map(application_option, project.applications)
        ]
        return _render(request, title, items, "再选择应用")
    found = find_application(catalog, asked_application)
    if found is None:
        return _problem(title, f"应用 {asked_application[:80]} 不存在或未开放发布。", status=404)
    declared = next((p for p in found.parameters if p.name == parameter), None)
    values = parameter_values(declared) if declared else ()
    items = [(value, "", choice_id(parameter, value)) for value in values]
    note = application_option(found)[1]
    if declared is None:
        note += f"：此应用没有参数 {parameter}"
    return _render(request, title, items, note)
