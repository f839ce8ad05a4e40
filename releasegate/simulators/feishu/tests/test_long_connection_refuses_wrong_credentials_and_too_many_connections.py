"""Who may connect: the endpoint answers code 514 to wrong credentials; the handshake is
refused with lark-oapi's headers when the URL's ticket is unknown or used, and when the
app already has `ws_connection_limit` connections (514 + 1000040350), which lark-oapi's
`_parse_ws_conn_exception` raises as a ClientException (the SDK stops) rather than a
ServerException (it reconnects)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lark_oapi.ws.client import _parse_ws_conn_exception
from lark_oapi.ws.exception import ClientException, ServerException
from websockets.exceptions import InvalidStatus

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests.ws_peer import dial, endpoint
from releasegate.tests.waiting import eventually


def _refusal(url: str) -> Any:
    with pytest.raises(InvalidStatus) as refused:
        dial(url)
    return refused.value.response


class _Refused:
    """What lark-oapi's parser reads of websockets' legacy InvalidStatusCode: headers."""

    def __init__(self, response: Any) -> None:
        self.headers = response.headers


def test_wrong_credentials_get_code_514(start_feishu: Callable[..., FeishuSimulator]) -> None:
    simulator = start_feishu()

    answer = endpoint(simulator, AppSecret="wrong")

    assert answer.status_code == 200
    assert answer.json()["code"] == 514
    assert "data" not in answer.json()


def test_a_url_opens_one_connection(start_feishu: Callable[..., FeishuSimulator]) -> None:
    simulator = start_feishu()
    url = endpoint(simulator).json()["data"]["URL"]

    with dial(url):
        refused = _refusal(url)

    assert refused.headers["handshake-status"] == "514"
    assert refused.headers["handshake-autherrcode"] != "1000040350"
    with pytest.raises(ServerException):
        _parse_ws_conn_exception(_Refused(refused))


def test_one_connection_too_many_is_refused_as_the_sdk_expects(
    start_feishu: Callable[..., FeishuSimulator],
) -> None:
    simulator = start_feishu(ws_connection_limit=2)
    first, second, third = (endpoint(simulator).json()["data"]["URL"] for _ in range(3))

    with dial(first), dial(second):
        refused = _refusal(third)
    control = FeishuControl(simulator.url)
    eventually(lambda: not control.long_connection.open_connections())
    control.close()
    with dial(endpoint(simulator).json()["data"]["URL"]):  # places came free
        pass

    assert refused.headers["handshake-status"] == "514"
    assert refused.headers["handshake-autherrcode"] == "1000040350"
    with pytest.raises(ClientException) as raised:
        _parse_ws_conn_exception(_Refused(refused))
    assert raised.value.code == 514
