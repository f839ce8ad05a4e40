"""The demo's WeCom: ReleaseGate's settings for the WeCom simulator's demo corp."""

from __future__ import annotations

from releasegate.simulators.wecom.settings import SimSettings


def releasegate_settings(app: SimSettings) -> dict[str, str]:
    """ReleaseGate's WeCom settings for a simulated app."""
    return {
        "WECOM_CORP_ID": app.corp_id,
        "WECOM_CORP_SECRET": app.corp_secret,
        "WECOM_AGENT_ID": str(app.agent_id),
        "WECOM_TEMPLATE_ID": app.template_id,
        "WECOM_CALLBACK_TOKEN": app.callback_token,
        "WECOM_CALLBACK_AES_KEY": app.encoding_aes_key,
    }


DEMO_WECOM = releasegate_settings(SimSettings.demo())
