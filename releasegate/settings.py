"""Django settings, all from `releasegate.config` (environment + TOML file).

Defaults are safe for production: DEBUG off, a SECRET_KEY required outside the demo.
Problems are not raised here; `releasegate check` lists them and the services refuse
to start while any remain.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from releasegate import config

CONFIG = config.load(os.environ)

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
# Behind a proxy that terminates TLS (releasegate.config.proxy): the origins forms may come
# from, the header that says a request was HTTPS, and cookies only sent over HTTPS.
CSRF_TRUSTED_ORIGINS = list(CONFIG.proxy.trusted_origins)
if CONFIG.proxy.ssl_header:
    SECURE_PROXY_SSL_HEADER = (CONFIG.proxy.ssl_header, "https")
if CONFIG.proxy.https and CONFIG.proxy.ssl_header:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "releasegate.catalog",
    "releasegate.releases",
    "releasegate.platforms",
    "releasegate.web",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "releasegate.api",
]

MIDDLEWARE = [
    # A view that needs the database while it cannot be reached: a 503 with Retry-After.
    "releasegate.web.unavailable.DatabaseUnavailableMiddleware",
    # NUL in a path, query or cookie: a 4xx before anything asks the database (a
    # DataError on PostgreSQL otherwise); dashboard forms are checked after the CSRF check.
    "releasegate.web.middleware.RefuseUnstorableTextMiddleware",
    # /healthz, /readyz, /metrics for probes and scrapers that address the pod by IP.
    "releasegate.observability.middleware.ObservabilityEndpointsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The admin's and dashboard's static files, served by the app itself: one process,
    # no front-end build, no separate web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "releasegate.web.login_throttle.LoginThrottledMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "releasegate.urls"
WSGI_APPLICATION = "releasegate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database() -> dict[str, object]:
    # Connections are kept a minute, and checked before each reuse (one round trip per
    # request or worker pass): after a database restart, a kept connection is dead, and
    # without the check the first request of each thread would fail with a 500.
    database: dict[str, object] = dict(
        dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(str(database["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers (the web pages) run while the worker writes; IMMEDIATE takes
        # the write lock at BEGIN so two writers queue instead of failing mid-transaction.
        # Kept open by each thread for a minute, as on PostgreSQL: opening one (and the
        # checkpoint when the last one closes) cost three times an event push's own work.
        database["CONN_MAX_AGE"] = 60
        # Django's backend, with this process's writers taking turns instead of sleeping
        # in SQLite's busy handler (releasegate/sqlite/base.py).
        database["ENGINE"] = "releasegate.sqlite"
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return database


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Every password login, the dashboard's and the admin's, throttled per user and address.
AUTHENTICATION_BACKENDS = ["releasegate.web.login_throttle.ThrottledModelBackend"]
# Checked where a person sets a password (the admin's user pages, `createsuperuser`,
# `changepassword`); the demo sets its users' known password directly.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The dashboard's own login page (the admin keeps its own).
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/releases/"

STATIC_URL = "static/"
# Served straight from the apps' static folders (no collectstatic step to forget).
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "releasegate.lib.redact.RedactingFilter"},
        "release": {"()": "releasegate.lib.log_context.ReleaseIdFilter"},
    },
    "formatters": {
        # One line per record: control characters in values are escaped.
        "plain": {
            "()": "releasegate.lib.log_format.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        # One JSON object per line (LOG_FORMAT=json); docs/observability.md lists the fields.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(threadName)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger", "threadName": "thread"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "releasegate.lib.log_context.StderrHandler",
            "formatter": CONFIG.observability.log_format,
            "filters": ["redact", "release"],
        }
    },
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# The REST API (docs/api.md): a token or a dashboard session, and nothing without one.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "releasegate.api.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["releasegate.api.rendering.SafeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["releasegate.api.parsing.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ReleaseGate API",
    "DESCRIPTION": "Releases, requests and the catalog. Authenticate with `Authorization: "
    "Token <key>` (`releasegate token USERNAME` makes a key and prints it once).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "ReleaseState": "releasegate.releases.models.ReleaseState",
        "NotificationState": "releasegate.releases.models.NotificationState",
    },
    # The docs page's scripts come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# E-mail (docs/configuration.md): how ReleaseGate's own approvals reach people no chat
# platform reaches. Django's defaults stand when EMAIL_HOST is not set (nothing is sent).
if CONFIG.email.enabled:
    EMAIL_HOST = CONFIG.email.host
    EMAIL_PORT = CONFIG.email.port
    EMAIL_HOST_USER = CONFIG.email.user
    EMAIL_HOST_PASSWORD = CONFIG.email.password
    EMAIL_USE_TLS = CONFIG.email.use_tls
    EMAIL_USE_SSL = CONFIG.email.use_ssl
    DEFAULT_FROM_EMAIL = CONFIG.email.from_address
    EMAIL_TIMEOUT = 10
