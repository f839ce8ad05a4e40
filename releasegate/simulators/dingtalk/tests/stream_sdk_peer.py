"""DingTalk's official Stream SDK (`dingtalk-stream`), unchanged, as a process of its own:

    DINGTALK_OPENAPI_ENDPOINT=http://127.0.0.1:PORT \\
        python -m releasegate.simulators.dingtalk.tests.stream_sdk_peer CLIENT_ID CLIENT_SECRET

It subscribes to every event, prints each one its handler is given as one JSON line on
stdout, and acknowledges it as the SDK does (code 200, the event's data echoed back). The
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


def main(client_id: str, client_secret: str) -> None:
    credential = dingtalk_stream.Credential(client_id, client_secret)
    client = dingtalk_stream.DingTalkStreamClient(credential)
    client.register_all_event_handler(PrintingHandler())
    asyncio.run(client.start())


if __name__ == "__main__":
    main(*sys.argv[1:3])
