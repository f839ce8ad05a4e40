"""Loading the configuration: the environment, plus the TOML file it names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from releasegate.config.dingtalk import DingTalkSettings, read_dingtalk
from releasegate.config.email import EmailSettings, read_email
from releasegate.config.feishu import FeishuSettings, read_feishu
from releasegate.config.flags import read_flag
from releasegate.config.observability import ObservabilitySettings, read_observability
from releasegate.config.options import FileConfig, read_options
from releasegate.config.placeholders import refuse_placeholders
from releasegate.config.problems import Problem
from releasegate.config.proxy import ProxySettings, read_proxy
from releasegate.config.public import PublicLimits, read_public_limits
from releasegate.config.wecom import WeComSettings, read_wecom

DEMO_SECRET_KEY_FILE = "demo-secret-key"


@dataclass(frozen=True)
class JenkinsSettings:
    url: str
    user: str
    # repr=False: a dataclass's repr ends up in debug pages and log lines.
    token: str | None = field(repr=False)
    password: str | None = field(repr=False)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str = field(repr=False)
    secret_key: str = field(repr=False)
    demo: bool
    debug: bool
    allowed_hosts: tuple[str, ...]
    log_level: str
    jenkins: JenkinsSettings | None
    dingtalk: DingTalkSettings | None
    options: FileConfig
    config_path: Path | None
    problems: tuple[Problem, ...] = field(default=())
    public: PublicLimits = field(default_factory=PublicLimits)
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    # The dashboard's address as people open it ("": unknown), for links in messages.
    public_url: str = ""
    email: EmailSettings = field(default_factory=EmailSettings)
    feishu: FeishuSettings | None = None
    wecom: WeComSettings | None = None
    proxy: ProxySettings = field(default_factory=ProxySettings)


def load(environ: Mapping[str, str]) -> Config:
    """Read the configuration from `environ` (and the files it names)."""
    problems: list[Problem] = []
    demo = read_flag(environ, "RELEASEGATE_DEMO", problems)
    data_dir = Path(environ.get("RELEASEGATE_DATA_DIR") or "data").resolve()
    config_path, options = read_options(environ, problems)
    log_level = (environ.get("LOG_LEVEL") or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        problems.append(Problem("LOG_LEVEL", f"{log_level!r} is not a log level"))
        log_level = "INFO"
    loaded = Config(
        data_dir=data_dir,
        database_url=_database_url(environ, data_dir, problems),
        secret_key=_secret_key(environ, data_dir, demo, problems),
        demo=demo,
        debug=read_flag(environ, "RELEASEGATE_DEBUG", problems),
        allowed_hosts=tuple(
            host.strip()
            for host in (environ.get("RELEASEGATE_ALLOWED_HOSTS") or "localhost,127.0.0.1").split(
                ","
            )
            if host.strip()
        ),
        log_level=log_level,
        jenkins=_jenkins(environ, problems),
        dingtalk=read_dingtalk(environ, problems),
        options=options,
        config_path=config_path,
        public=read_public_limits(environ, problems),
        observability=read_observability(environ, problems, demo),
        public_url=(public_url := _public_url(environ, problems)),
        proxy=read_proxy(environ, public_url, problems),
        email=read_email(environ, problems),
        feishu=read_feishu(environ, problems),
        wecom=read_wecom(environ, problems),
    )
    dingtalk = loaded.dingtalk
    if dingtalk and dingtalk.cards and dingtalk.card_callback == "http" and not loaded.public_url:
        problems.append(
            Problem("RELEASEGATE_PUBLIC_URL", "DingTalk cards call back to it: set it too")
        )
    if loaded.wecom and loaded.wecom.approval_cards and not loaded.public_url:
        problems.append(
            Problem("RELEASEGATE_PUBLIC_URL", "WeCom approval cards open pages under it: set it")
        )
    refuse_placeholders(environ, problems)
    return replace(loaded, problems=tuple(problems))


def _public_url(environ: Mapping[str, str], problems: list[Problem]) -> str:
    url = (environ.get("RELEASEGATE_PUBLIC_URL") or "").strip()
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.hostname):
        problems.append(
            Problem(
                "RELEASEGATE_PUBLIC_URL",
                f"{url!r} is not an http(s) URL (e.g. https://releasegate.example.com/)",
            )
        )
        return ""
    return url.rstrip("/") + "/" if url else ""


def _database_url(environ: Mapping[str, str], data_dir: Path, problems: list[Problem]) -> str:
    default = f"sqlite:///{data_dir / 'releasegate.sqlite3'}"
    url = environ.get("DATABASE_URL") or default
    try:
        engine = dj_database_url.parse(url)["ENGINE"]
    except (ValueError, KeyError) as exc:
        problems.append(Problem("DATABASE_URL", f"cannot be used: {exc}"))
        return default
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        problems.append(Problem("DATABASE_URL", "only sqlite:// and postgres:// are supported"))
        return default
    return url


def _secret_key(
    environ: Mapping[str, str], data_dir: Path, demo: bool, problems: list[Problem]
) -> str:
    key = environ.get("SECRET_KEY") or ""
    if key:
        if len(key) < 32:
            problems.append(Problem("SECRET_KEY", "must be at least 32 characters"))
        return key
    if demo:
        stored = data_dir / DEMO_SECRET_KEY_FILE
        return stored.read_text().strip() if stored.is_file() else ""
    problems.append(
        Problem(
            "SECRET_KEY",
            "not set (generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))')",
        )
    )
    return ""


def _jenkins(environ: Mapping[str, str], problems: list[Problem]) -> JenkinsSettings | None:
    url = (environ.get("JENKINS_URL") or "").strip()
    user = (environ.get("JENKINS_USER") or "").strip()
    token = environ.get("JENKINS_TOKEN") or None
    password = environ.get("JENKINS_PASSWORD") or None
    found = len(problems)
    if not url:
        problems.append(Problem("JENKINS_URL", "not set (e.g. https://jenkins.example.com/)"))
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(Problem("JENKINS_URL", f"{url!r} is not an http(s) URL"))
        elif parts.username or parts.password:
            problems.append(
                Problem(
                    "JENKINS_URL",
                    "must not contain credentials; use JENKINS_USER and JENKINS_TOKEN",
                )
            )
    if not user:
        problems.append(Problem("JENKINS_USER", "not set (the Jenkins user ReleaseGate acts as)"))
    if not token and not password:
        problems.append(
            Problem(
                "JENKINS_TOKEN", "not set (an API token of JENKINS_USER; or set JENKINS_PASSWORD)"
            )
        )
    if len(problems) > found:
        return None
    return JenkinsSettings(url=url, user=user, token=token, password=password)
