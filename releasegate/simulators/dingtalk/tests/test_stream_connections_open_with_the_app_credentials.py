from __future__ import annotations

import pytest

from releasegate.simulators.dingtalk.tests.conftest import Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import open_ticket


def test_the_app_credentials_get_an_endpoint_and_a_ticket(streaming: Streaming) -> None:
    simulator, control = streaming

    answer = open_ticket(simulator)

    assert answer.status_code == 200
    body = answer.json()
    assert body["endpoint"].startswith("ws://127.0.0.1:")
    assert body["endpoint"].endswith("/connect")
    assert body["endpoint"] == control.stream.status()["endpoint"]
    assert len(body["ticket"]) >= 32


@pytest.mark.parametrize("wrong", ["clientId", "clientSecret"])
def test_a_wrong_client_id_or_secret_is_refused(streaming: Streaming, wrong: str) -> None:
    answer = open_ticket(streaming[0], **{wrong: "not-the-right-one"})

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalidClientIdOrSecret"


@pytest.mark.parametrize(
    "subscriptions",
    [[], None, [{"type": "EVENT", "topic": "bpms_instance_change"}], [{"type": "PUSH"}]],
)
def test_subscriptions_must_be_events_on_topic_star_or_callbacks(
    streaming: Streaming, subscriptions: object
) -> None:
    answer = open_ticket(streaming[0], subscriptions=subscriptions)

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalidParameter"


def test_each_call_gets_a_new_ticket(streaming: Streaming) -> None:
    first, second = (open_ticket(streaming[0]).json()["ticket"] for _ in range(2))

    assert first != second
