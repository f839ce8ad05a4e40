"""The configuration a process actually runs with, setting by setting, for people to
read (the admin's "effective configuration" page): secrets masked, never shown.

A secret is any settings field declared with `repr=False` (the convention of
`releasegate.config`); URLs among them keep their host and path, which say where
ReleaseGate connects, and lose their password and query, which carry credentials.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from releasegate.config.environment import Config
from releasegate.lib.redact import MASK, redact

# Config's own fields by the environment variable each is read from; the Jenkins and
# DingTalk settings are named by their prefix and field (JENKINS_URL, DINGTALK_APP_KEY).
_TOP_LEVEL = {
    "secret_key": "SECRET_KEY",
    "database_url": "DATABASE_URL",
    "data_dir": "RELEASEGATE_DATA_DIR",
    "config_path": "RELEASEGATE_CONFIG",
    "demo": "RELEASEGATE_DEMO",
    "debug": "RELEASEGATE_DEBUG",
    "allowed_hosts": "RELEASEGATE_ALLOWED_HOSTS",
    "log_level": "LOG_LEVEL",
    "public_url": "RELEASEGATE_PUBLIC_URL",
}
_SECTIONS = {"jenkins": "JENKINS_", "dingtalk": "DINGTALK_", "feishu": "FEISHU_", "wecom": "WECOM_"}
# Groups of settings whose variables do not follow their fields' names.
_GROUPS = {
    "public": {
        "max_body_bytes": "RELEASEGATE_MAX_BODY_BYTES",
        "rate_per_second": "RELEASEGATE_RATE_LIMIT",
        "burst": "RELEASEGATE_RATE_BURST",
    },
    "observability": {
        "log_format": "LOG_FORMAT",
        "metrics_token": "METRICS_TOKEN",
        "metrics_open": "METRICS_OPEN",
    },
    "email": {
        "host": "EMAIL_HOST",
        "port": "EMAIL_PORT",
        "user": "EMAIL_HOST_USER",
        "password": "EMAIL_HOST_PASSWORD",
        "use_tls": "EMAIL_USE_TLS",
        "use_ssl": "EMAIL_USE_SSL",
        "from_address": "DEFAULT_FROM_EMAIL",
    },
    "proxy": {
        "trusted_origins": "RELEASEGATE_TRUSTED_ORIGINS",
        "ssl_header": "RELEASEGATE_PROXY_SSL_HEADER",
    },
}
NOT_SET = "(not set)"


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    secret: bool = False


def environment_settings(config: Config) -> list[Setting]:
    """Every setting read from the environment, with its variable's name."""
    shown: list[Setting] = []
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        if field.name in _SECTIONS:
            shown += _section(_SECTIONS[field.name], value)
        elif field.name in _GROUPS:
            shown += _group(_GROUPS[field.name], value)
        elif field.name in _TOP_LEVEL:
            shown.append(_setting(_TOP_LEVEL[field.name], value, secret=not field.repr))
    return shown


def file_settings(config: Config) -> list[Setting]:
    """Every option of the TOML file (defaults included), by its dotted key."""
    return [Setting(key, _text(value)) for key, value in _flatten(config.options)]


def _section(prefix: str, settings: Any) -> list[Setting]:
    if settings is None:
        return [Setting(f"{prefix}*", "(not configured: see the problems below)")]
    return [
        _setting(prefix + field.name.upper(), getattr(settings, field.name), not field.repr)
        for field in dataclasses.fields(settings)
    ]


def _group(names: dict[str, str], settings: Any) -> list[Setting]:
    return [
        _setting(names[field.name], getattr(settings, field.name), not field.repr)
        for field in dataclasses.fields(settings)
        if field.name in names
    ]


def _setting(name: str, value: Any, secret: bool) -> Setting:
    if value in (None, ""):
        return Setting(name, NOT_SET, secret)
    text = _text(value)
    return Setting(name, _masked(text) if secret else redact(text), secret)


def _masked(value: str) -> str:
    parts = urlsplit(value)
    if not (parts.scheme and "://" in value):
        return MASK
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:  # not a URL after all: nothing of it is safe to show
        return MASK
    if port:
        host += f":{port}"
    if parts.username:
        host = f"{parts.username}:{MASK}@{host}" if parts.password else f"{parts.username}@{host}"
    query = f"?{MASK}" if parts.query else ""
    path = parts.path
    # A Feishu custom bot's token is the last part of its path (…/bot/v2/hook/<token>).
    hook, found, _ = path.partition("/hook/")
    if found:
        path = f"{hook}/hook/{MASK}"
    return redact(f"{parts.scheme}://{host}{path}{query}")


def _text(value: Any) -> str:
    if isinstance(value, tuple | list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _flatten(section: BaseModel, prefix: str = "") -> list[tuple[str, Any]]:
    """Sections become dotted keys; a value that is a table of its own (project names,
    form parameters) stays one value."""
    rows: list[tuple[str, Any]] = []
    for key in type(section).model_fields:
        value = getattr(section, key)
        if isinstance(value, BaseModel):
            rows += _flatten(value, f"{prefix}{key}.")
        else:
            rows.append((prefix + key, _plain(value)))
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value
