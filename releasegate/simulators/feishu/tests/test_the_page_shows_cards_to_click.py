"""The control page shows an app card as its reader sees it, with a form per button to
click it as any person of the tenant; the form's click reaches the app like any other."""

from __future__ import annotations

import httpx

from releasegate.simulators.feishu.tests.conftest import Pushing
from releasegate.simulators.feishu.tests.receiver import EventReceiver
from releasegate.simulators.feishu.tests.test_the_official_sdk_parses_card_clicks import (
    LISI,
    send_card,
)


def test_a_card_on_the_page_can_be_clicked_as_anyone(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    simulator, control = pushing
    send_card(pushing)
    with httpx.Client(base_url=simulator.url, timeout=5) as browser:
        page = browser.get("/_sim/").text
        assert "待你审批" in page and "- 应用：order-service" in page
        assert "action='/_sim/cards/click'" in page and "<button>同意</button>" in page

        clicked = browser.post(
            "/_sim/cards/click", data={"message": "1", "button": "0", "user": "lisi"}
        )

    assert (clicked.status_code, clicked.headers["location"]) == (303, "/_sim/")
    assert receiver.clicks[0].event.operator.open_id == LISI.open_id
    assert control.clicks()[0]["card_updated"]
