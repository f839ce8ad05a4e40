from __future__ import annotations

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter


def test_the_debug_page_settings_show_no_secret() -> None:
    shown = repr(SafeExceptionReporterFilter().get_safe_settings())

    dingtalk, jenkins = settings.CONFIG.dingtalk, settings.CONFIG.jenkins
    assert dingtalk is not None and jenkins is not None
    for secret in (
        dingtalk.app_secret,
        dingtalk.event_token,
        dingtalk.event_aes_key,
        dingtalk.connector_secret,
        jenkins.token,
        settings.CONFIG.secret_key,
    ):
        assert secret and secret not in shown
    assert "dingtestappkey" in shown  # the app key is not a secret, and still shown
