"""lark-oapi's long-connection client (`lark.ws.Client`), unchanged, as a process of its own:

    python -m releasegate.simulators.feishu.tests.ws_sdk_peer SIMULATOR_URL APP_ID APP_SECRET

It registers v1 `approval_instance` and `approval_task` handlers as Feishu's doc sample
does, prints each event its handlers are given as one JSON line on stdout, and lets the
SDK acknowledge it. It runs until it is terminated; when the SDK refuses to go on (a
ClientException: wrong credentials), it prints `{"refused": code, "msg"}` and exits 3.

Why a process: the SDK captures a module-level asyncio loop when `lark_oapi.ws.client` is
imported and runs everything on it with `run_until_complete` (reference section A3;
larksuite/oapi-sdk-python#133, #119), so it cannot share the test process's threads.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import lark_oapi as lark
from lark_oapi.ws.exception import ClientException


def _printed(data: Any) -> None:
    print(json.dumps({"uuid": data.uuid, "event": data.event}, ensure_ascii=False), flush=True)


def main(url: str, app_id: str, app_secret: str) -> int:
    handler = (
        lark.EventDispatcherHandler.builder("", "")
        .register_p1_customized_event("approval_instance", _printed)
        .register_p1_customized_event("approval_task", _printed)
        .build()
    )
    client = lark.ws.Client(app_id, app_secret, event_handler=handler, domain=url)
    try:
        client.start()
    except ClientException as refused:
        print(json.dumps({"refused": refused.code, "msg": str(refused)}), flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
