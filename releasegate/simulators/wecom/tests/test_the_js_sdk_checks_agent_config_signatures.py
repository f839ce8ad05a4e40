from __future__ import annotations

from typing import Any

from releasegate.simulators.wecom import jssdk
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.tests.conftest import DEMO

PICKER = "http://127.0.0.1:9/wecom/picker/projects?selectorType=single&key=abc"


def agent_config(sdk: Any, url: str = PICKER, **changes: Any) -> dict[str, Any]:
    """wx.agentConfig's arguments, signed as ReleaseGate's page would with wechatpy."""
    ticket = sdk.jsapi.get_agent_ticket()["ticket"]
    signature = sdk.jsapi.get_jsapi_signature("Wm3WZYTPz0wzccnW", ticket, "1414587457", url)
    config = {
        "corpid": DEMO.corp_id,
        "agentid": DEMO.agent_id,
        "timestamp": "1414587457",
        "nonceStr": "Wm3WZYTPz0wzccnW",
        "signature": signature,
        "url": url,
    }
    return {**config, **changes}


def test_the_signature_formula_matches_the_docs_example() -> None:
    signature = jssdk.signature(
        "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
        "Wm3WZYTPz0wzccnW",
        "1414587457",
        "http://mp.weixin.qq.com?params=value",
    )

    assert signature == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_a_page_signed_with_the_agent_ticket_is_accepted(sdk: Any, wecom_sim: WeComControl) -> None:
    answer = wecom_sim.check_js_signature("agent_config", **agent_config(sdk))

    assert answer == {"ok": True, "errMsg": "agentConfig:ok", "err_msg": "agentConfig:ok"}


def test_the_url_is_signed_without_its_fragment(sdk: Any, wecom_sim: WeComControl) -> None:
    config = agent_config(sdk)

    answer = wecom_sim.check_js_signature("agent_config", **{**config, "url": PICKER + "#top"})

    assert answer["ok"] is True


def test_a_wrong_ticket_url_or_agent_fails(sdk: Any, wecom_sim: WeComControl) -> None:
    corp_ticket = sdk.jsapi.get_ticket()["ticket"]
    signed_with_corp = sdk.jsapi.get_jsapi_signature("n", corp_ticket, "1", PICKER)
    config = agent_config(sdk)

    answers = [
        wecom_sim.check_js_signature(
            "agent_config",
            **{**config, "nonceStr": "n", "timestamp": "1", "signature": signed_with_corp},
        ),
        wecom_sim.check_js_signature("agent_config", **{**config, "url": PICKER + "&x=1"}),
        wecom_sim.check_js_signature("agent_config", **{**config, "agentid": 7}),
    ]

    assert [a["ok"] for a in answers] == [False, False, False]
    assert answers[0]["errMsg"] == "agentConfig:fail invalid signature"
    assert answers[2]["errMsg"] == "agentConfig:fail invalid agentid"


def test_an_expired_ticket_no_longer_signs(sdk: Any, wecom_sim: WeComControl) -> None:
    config = agent_config(sdk)
    wecom_sim.expire_tickets()

    answer = wecom_sim.check_js_signature("agent_config", **config)

    assert answer["ok"] is False


def test_the_page_must_be_on_the_picker_urls_domain(sdk: Any, wecom_sim: WeComControl) -> None:
    wecom_sim.set_picker_url("http://127.0.0.1:9/wecom/picker")
    elsewhere = "http://localhost:9/wecom/picker/projects"

    trusted = wecom_sim.check_js_signature("agent_config", **agent_config(sdk))
    untrusted = wecom_sim.check_js_signature("agent_config", **agent_config(sdk, elsewhere))

    assert (trusted["ok"], untrusted["ok"]) == (True, False)
    assert "可信域名" in untrusted["errMsg"]


def test_wx_config_is_checked_against_the_corp_ticket(sdk: Any, wecom_sim: WeComControl) -> None:
    ticket = sdk.jsapi.get_ticket()["ticket"]
    signature = sdk.jsapi.get_jsapi_signature("n", ticket, "1", PICKER)

    answer = wecom_sim.check_js_signature(
        "config", appId=DEMO.corp_id, nonceStr="n", timestamp="1", signature=signature, url=PICKER
    )

    assert answer["errMsg"] == "config:ok"
