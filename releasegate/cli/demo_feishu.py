"""The demo's Feishu: ReleaseGate's settings for the Feishu simulator's demo app."""

from __future__ import annotations

from releasegate.simulators.feishu.settings import SimSettings


def releasegate_settings(app: SimSettings) -> dict[str, str]:
    """ReleaseGate's Feishu settings for a simulated app."""
    settings = {
        "FEISHU_APP_ID": app.app_id,
        "FEISHU_APP_SECRET": app.app_secret,
        "FEISHU_APPROVAL_CODE": app.approval_code,
        "FEISHU_VERIFICATION_TOKEN": app.verification_token,
        "FEISHU_ENCRYPT_KEY": app.encrypt_key,
        "FEISHU_OPTIONS_TOKEN": app.options_token,
    }
    if app.options_key:
        settings["FEISHU_OPTIONS_KEY"] = app.options_key
    return settings


DEMO_FEISHU = releasegate_settings(SimSettings.demo())
