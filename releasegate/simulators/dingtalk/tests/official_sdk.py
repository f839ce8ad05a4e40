"""DingTalk's official server SDK (`alibabacloud-dingtalk`), unchanged, pointed at the
simulator the way the SDK itself offers: the Tea/OpenAPI `Config(protocol="http",
endpoint="127.0.0.1:PORT")`. Every product client (oauth2_1_0, workflow_1_0, robot_1_0)
falls back to api.dingtalk.com only when no endpoint is configured, and the DingTalk
gateway sends `Host: <endpoint>`, from which the request URL is built.

The SDK's models assign whatever JSON arrives without checking it, so `undeclared` holds
an answer to the types the models declare (`task_id: int`, `success: str`...).
"""

from __future__ import annotations

import typing
from typing import Any
from urllib.parse import urlsplit

from alibabacloud_dingtalk.oauth2_1_0 import models as oauth2_models
from alibabacloud_dingtalk.oauth2_1_0.client import Client as OAuth2Client
from alibabacloud_dingtalk.robot_1_0.client import Client as RobotClient
from alibabacloud_dingtalk.workflow_1_0 import models as workflow_models
from alibabacloud_dingtalk.workflow_1_0.client import Client as WorkflowClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from Tea.model import TeaModel

from releasegate.simulators.dingtalk.server import DingTalkSimulator

# No retries, the SDK's default timeouts.
RUNTIME = util_models.RuntimeOptions()


def config(simulator: DingTalkSimulator) -> open_api_models.Config:
    """The SDK's configuration for the simulator's address (plain HTTP on loopback)."""
    return open_api_models.Config(protocol="http", endpoint=urlsplit(simulator.url).netloc)


def access_token(simulator: DingTalkSimulator) -> str:
    """A token of the simulator's app, fetched with the SDK's GetAccessToken."""
    settings = simulator.settings
    request = oauth2_models.GetAccessTokenRequest(
        app_key=settings.app_key, app_secret=settings.app_secret
    )
    token: str = OAuth2Client(config(simulator)).get_access_token(request).body.access_token
    return token


def oauth2(simulator: DingTalkSimulator) -> OAuth2Client:
    return OAuth2Client(config(simulator))


def workflow(simulator: DingTalkSimulator) -> WorkflowClient:
    return WorkflowClient(config(simulator))


def get_instance(simulator: DingTalkSimulator, token: str, instance_id: str) -> Any:
    """The SDK's GetProcessInstanceResponse for the instance (`.body.result`)."""
    return workflow(simulator).get_process_instance_with_options(
        workflow_models.GetProcessInstanceRequest(process_instance_id=instance_id),
        workflow_models.GetProcessInstanceHeaders(x_acs_dingtalk_access_token=token),
        RUNTIME,
    )


def robot(simulator: DingTalkSimulator) -> RobotClient:
    return RobotClient(config(simulator))


def undeclared(model: TeaModel, where: str = "") -> list[str]:
    """Every field of a parsed answer whose value is not of the type the SDK's model
    declares for it, as "path: declared, got value"; absent (None) fields are not listed."""
    found: list[str] = []
    hints = typing.get_type_hints(type(model).__init__)
    for name, declared in hints.items():
        value = getattr(model, name, None)
        if name != "return" and value is not None:
            found += _mismatches(declared, value, f"{where}.{name}".lstrip("."))
    return found


def _mismatches(declared: Any, value: Any, where: str) -> list[str]:
    if typing.get_origin(declared) is list:
        if not isinstance(value, list):
            return [f"{where}: {declared}, got {value!r}"]
        (item,) = typing.get_args(declared)
        return [m for i, v in enumerate(value) for m in _mismatches(item, v, f"{where}[{i}]")]
    if isinstance(declared, type) and issubclass(declared, TeaModel):
        return undeclared(value, where)
    origin = typing.get_origin(declared) or declared
    # bool is an int in Python; a JSON true where a number is declared is still wrong.
    wrong_bool = origin is int and isinstance(value, bool)
    if not isinstance(value, origin) or wrong_bool:
        return [f"{where}: {declared}, got {value!r}"]
    return []
