from __future__ import annotations

from typing import Any

import pytest
from lark_oapi.api.approval.v4 import GetApprovalRequest
from lark_oapi.core.exception import ObtainAccessTokenException

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests import official_sdk

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"


def _get_definition(sdk: Any, feishu: FeishuSimulator) -> Any:
    request = GetApprovalRequest.builder().approval_code(feishu.settings.approval_code).build()
    return sdk.approval.v4.approval.get(request)


def test_it_fetches_a_token_once_and_uses_it_as_a_bearer(
    feishu: FeishuSimulator, feishu_sim: FeishuControl, sdk: Any
) -> None:
    first, second = _get_definition(sdk, feishu), _get_definition(sdk, feishu)

    assert (first.code, second.code) == (0, 0), first.msg
    assert [r["status"] for r in feishu_sim.requests(TOKEN_PATH)] == [200]


def test_a_wrong_secret_is_refused_with_10014(feishu: FeishuSimulator) -> None:
    sdk = official_sdk.client(feishu, app_secret="not-the-secret")

    with pytest.raises(ObtainAccessTokenException) as raised:
        _get_definition(sdk, feishu)

    assert raised.value.code == 10014
    assert raised.value.msg == "app secret invalid"


def test_an_expired_token_is_refused_with_99991663(
    feishu: FeishuSimulator, feishu_sim: FeishuControl, sdk: Any
) -> None:
    assert _get_definition(sdk, feishu).code == 0
    feishu_sim.expire_tokens()

    refused = _get_definition(sdk, feishu)

    assert refused.code == 99991663
    assert refused.raw.status_code == 400
