"""wechatpy 1.8.18's WeCom client (`wechatpy.enterprise.WeChatClient`), unchanged, pointed
at the simulator: its API calls go to the class attribute `API_BASE_URL`, but
`fetch_access_token` names https://qyapi.weixin.qq.com/cgi-bin/gettoken itself, so the
subclass here overrides both and nothing else. Each client keeps its token in its own
MemoryStorage."""

from __future__ import annotations

from typing import Any

from wechatpy.enterprise import WeChatClient

from releasegate.simulators.wecom.server import WeComSimulator


def client(simulator: WeComSimulator, secret: str | None = None, **options: Any) -> Any:
    base = f"{simulator.url}cgi-bin/"

    class SimulatedWeCom(WeChatClient):  # type: ignore[misc]
        API_BASE_URL = base

        def fetch_access_token(self) -> Any:
            params = {"corpid": self.corp_id, "corpsecret": self.secret}
            return self._fetch_access_token(url=f"{base}gettoken", params=params)

    settings = simulator.settings
    return SimulatedWeCom(
        settings.corp_id, settings.corp_secret if secret is None else secret, **options
    )


def release_data(**values: Any) -> dict[str, Any]:
    """`apply_data` for the release template: 项目名称 `mall`, 应用名称 `order-service`,
    发布类型 全量 unless `values` (by control id) say otherwise."""
    contents = {
        "Selector-1592463391236": _selector("mall"),
        "Selector-1592463391237": _selector("order-service"),
        "Selector-1592463391238": _selector("option-1592463391241"),
        "Text-1592463398237": {"control": "Text", "value": {"text": "v1.4.2"}},
        "Text-1592463398239": {"control": "Text", "value": {"text": "rg-req-1"}},
    }
    contents.update(values)
    return {"contents": [{"id": key, **item} for key, item in contents.items()]}


def _selector(key: str) -> dict[str, Any]:
    return {
        "control": "Selector",
        "value": {"selector": {"type": "single", "options": [{"key": key}]}},
    }


SUMMARY = [{"summary_info": [{"text": "发布 mall order", "lang": "zh_CN"}]}]
