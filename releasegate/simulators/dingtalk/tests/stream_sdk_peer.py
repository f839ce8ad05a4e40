"""DingTalk's official Stream SDK (`dingtalk-stream`), unchanged, as a process of its own:

    DINGTALK_OPENAPI_ENDPOINT=http://127.0.0.1:PORT \\
        python -m releasegate.simulators.dingtalk.tests.stream_sdk_peer CLIENT_ID CLIENT_SECRET

It subscribes to every event, prints each one its handler is given as one JSON line on
stdout, and acknowledges it as the SDK does (code 200, the event's data echoed back).
With `--cards` after the credentials it also takes card clicks (its `CallbackHandler` on
the card topic), prints each and answers it with new card data. The
SDK answers SYSTEM pings by itself. It runs until it is terminated.

Why a process: DINGTALK_OPENAPI_ENDPOINT is the SDK's one way to a gateway other than
https://api.dingtalk.com, and the SDK reads it once, when `dingtalk_stream` is first
imported (`utils.py`; `DingTalkStreamClient.OPEN_CONNECTION_API` is built from it then).
A process of its own reads the simulator's address whatever the test process imported
before. The WebSocket address is the `endpoint` the simulator answers.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import dingtalk_stream


class PrintingHandler(dingtalk_stream.EventHandler):  # type: ignore[misc]  # untyped SDK
    async def process(self, event: dingtalk_stream.EventMessage) -> tuple[int, str]:
        headers = event.headers
        seen = {
            "message_id": headers.message_id,
            "event_type": headers.event_type,
            "event_id": headers.event_id,
            "event_corp_id": headers.event_corp_id,
            "event_born_time": headers.event_born_time,
            "data": event.data,
        }
        print(json.dumps(seen, ensure_ascii=False), flush=True)
        return dingtalk_stream.AckMessage.STATUS_OK, "OK"


class CardHandler(dingtalk_stream.CallbackHandler):  # type: ignore[misc]  # untyped SDK
    """Card clicks (topic /v1.0/card/instances/callback): printed, and answered with new
    card data naming who clicked what, as an app would."""

    async def process(self, message: dingtalk_stream.CallbackMessage) -> tuple[int, Any]:
        click = dingtalk_stream.CardCallbackMessage.from_dict(message.data)
        seen = {
            "message_id": message.headers.message_id,
            "topic": message.headers.topic,
            "out_track_id": click.card_instance_id,
            "user_id": click.user_id,
            "content": click.content,
        }
        print(json.dumps(seen, ensure_ascii=False), flush=True)
        action = click.content["cardPrivateData"]["actionIds"][0]
        answer = {
            "cardUpdateOptions": {"updateCardDataByKey": True},
            "cardData": {"cardParamMap": {"status_text": f"{click.user_id} {action}"}},
        }
        return dingtalk_stream.AckMessage.STATUS_OK, answer


def main(client_id: str, client_secret: str, *options: str) -> None:
    credential = dingtalk_stream.Credential(client_id, client_secret)
    client = dingtalk_stream.DingTalkStreamClient(credential)
    client.register_all_event_handler(PrintingHandler())
    if "--cards" in options:
        client.register_callback_handler(
            dingtalk_stream.CallbackHandler.TOPIC_CARD_CALLBACK, CardHandler()
        )
    asyncio.run(client.start())


if __name__ == "__main__":
    main(*sys.argv[1:])
