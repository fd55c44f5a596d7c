"""督导通 settings: one file, driven by the environment (see .env.example).

Variables come from the process environment, then from ``.env`` beside manage.py if there is
one (``make demo`` writes a development ``.env`` when none exists). A variable set in the
environment wins over ``.env``, so ``DUDAO_DEBUG=0 make test`` means what it says.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# DUDAO_ENV_FILE: read another file instead (empty: read none). Not in .env itself.
_env_file = env.str("DUDAO_ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    environ.Env.read_env(_env_file, overwrite=False)


def env_bool(name: str, default: bool = False) -> bool:
    return env.bool(name, default=default)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


def env_str(name: str, default: str = "") -> str:
    return env.str(name, default=default)


DEBUG = env_bool("DUDAO_DEBUG", False)
# Developers only: with DEBUG on, show Django's technical error pages instead of the Chinese ones.
DUDAO_TECHNICAL_ERRORS = env_bool("DUDAO_TECHNICAL_ERRORS", False)
SECRET_KEY = env_str("DUDAO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        # Development only: a fixed, obviously insecure key so that sessions survive restarts.
        SECRET_KEY = "dev-insecure-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DUDAO_SECRET_KEY 未设置：关闭 DEBUG 时必须提供密钥（见 .env.example；"
            "开发时运行 make demo 会生成本地 .env）。"
        )

# The audit chain's HMAC key: from the environment only, never in the database (see
# docs/decisions/0004-keyed-audit-chain.md). Changing it needs `manage.py rekey_audit`.
DUDAO_AUDIT_KEY = os.environ.get("DUDAO_AUDIT_KEY", "")
if not DUDAO_AUDIT_KEY:
    if DEBUG:
        DUDAO_AUDIT_KEY = "dev-insecure-audit-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DUDAO_AUDIT_KEY 未设置：关闭 DEBUG 时必须提供审计链密钥（见 .env.example）。"
        )
# Where `publish_audit_head` appends the chain's head: a file outside the database, ideally on
# another machine or a write-once share.
DUDAO_AUDIT_ANCHOR_FILE = os.environ.get("DUDAO_AUDIT_ANCHOR_FILE") or str(
    BASE_DIR / "var" / "audit-anchors.jsonl"
)

ALLOWED_HOSTS = env_list("DUDAO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DUDAO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Listed so that /api/docs serves Swagger UI from our static files, not from a CDN
    # (the docs page works without internet).
    "ninja",
    "axes",
    "csp",
    "django_q",
    "dudao.core",
    "dudao.orgs",
    "dudao.campaigns",
    "dudao.imports",
    "dudao.records",
    "dudao.reviews",
    "dudao.surveys",
    "dudao.transitions",
    "dudao.rectification",
    "dudao.evaluation",
    "dudao.supervision",
    "dudao.archive",
    "dudao.tokens",
    "dudao.opinions",
    "dudao.reports",
    "dudao.web",
    "dudao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # DEBUG on: Chinese 403/404/500 pages instead of Django's technical ones (dudao/web).
    "dudao.web.middleware.ChineseErrorPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The login-free pages under /s/ (survey answering, the opinion box) need no session, CSRF
# cookie, login or messages; they run on this shorter stack (dudao/web/wsgi.py), which keeps
# every header that protects a page. Tests compare their headers with the full stack's.
PUBLIC_PAGES_PREFIX = "/s/"
PUBLIC_PAGES_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dudao.web.middleware.ChineseErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dudao.web.context_processors.roles",
                "dudao.supervision.context_processors.workbench",
            ],
            # {% term "group" %}: the campaign's wording (dudao.campaigns.terms), on every page.
            "builtins": ["dudao.campaigns.templatetags.terms"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL through DATABASE_URL is production.
DATABASE_URL = env_str("DATABASE_URL")
# Import progress (dudao/imports/progress.py): on PostgreSQL a table of the database, written on
# a connection of its own; on SQLite, whose one write lock the import's transaction holds, a
# small second database file beside the first.
DUDAO_PROGRESS_SQLITE_PATH = None
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    SQLITE_PATH = Path(env_str("DUDAO_SQLITE_PATH") or BASE_DIR / "var" / "dudao.sqlite3")
    # A fresh clone has no var/: create the folder so that `manage.py migrate` works at once.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DUDAO_PROGRESS_SQLITE_PATH = Path(
        os.environ.get("DUDAO_PROGRESS_SQLITE_PATH")
        or SQLITE_PATH.with_name(SQLITE_PATH.stem + "-progress.sqlite3")
    )
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two writers
                # queue on the busy timeout instead of failing with "database is locked" on upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    # Freed bytes are zeroed: a deleted sealed ballot or code row leaves no
                    # trace in free pages (docs/anonymity.md).
                    "PRAGMA secure_delete=ON;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA cache_size=-65536;"
                ),
            },
            "TEST": {"NAME": env_str("DUDAO_SQLITE_TEST_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# DUDAO_CACHE_URL: empty = each process's own memory (development, one server);
# redis://host:6379/0 (or rediss://, unix://) = Django's RedisCache, shared by every app server;
# db:// = Django's DatabaseCache in the table dudao_cache (db://name: another table), made by
# migrate. What is cached and why per-process state elsewhere is safe: docs/deployment.md.
DUDAO_CACHE_URL = env_str("DUDAO_CACHE_URL").strip()


def _caches(url: str) -> dict:
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("redis", "rediss", "unix"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "dudao",
        }
    if scheme == "db":
        table = url.split("://", 1)[1].strip("/") or "dudao_cache"
        if not table.replace("_", "").isalnum():
            raise ImproperlyConfigured(
                f"DUDAO_CACHE_URL 的表名无效：{table}（只能用字母、数字和下划线）。"
            )
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    raise ImproperlyConfigured(
        f"DUDAO_CACHE_URL 无法识别：{url}（留空为本进程内存；redis://主机:6379/0 为 Redis；"
        "db:// 为数据库表；见 .env.example）。"
    )


CACHES = {"default": _caches(DUDAO_CACHE_URL)}


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("DUDAO_FAST_PASSWORD_HASHER", False):
    # Tests and the city-scale demo create many accounts; never set this in production.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Logins ---------------------------------------------------------------------------------
# django-axes first: it refuses a locked-out user name or address before any password check.
AUTHENTICATION_BACKENDS = [
    "dudao.core.logins.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DUDAO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DUDAO_LOGIN_COOLOFF_MINUTES", "30")))
# Two separate counters: one per user name (whatever address guesses it) and one per address
# (whatever user names it tries).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dudao.core.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "dudao.core.logins.client_ip"
# Our own audit events record every attempt; axes' per-login access log would duplicate them.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
DUDAO_TRUSTED_PROXIES = int(
    os.environ.get("DUDAO_TRUSTED_PROXIES", "1" if env_bool("DUDAO_BEHIND_TLS_PROXY") else "0")
)

# Sessions end after this much inactivity: each request moves the expiry forward.
SESSION_COOKIE_AGE = int(os.environ.get("DUDAO_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Password reset links by mail, and first-login links for imported accounts, expire.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("DUDAO_PASSWORD_RESET_HOURS", "24")) * 3600
DUDAO_FIRST_LOGIN_DAYS = int(os.environ.get("DUDAO_FIRST_LOGIN_DAYS", "14"))

# Mail: the console in development and the demo; SMTP from the environment otherwise.
EMAIL_BACKEND = os.environ.get(
    "DUDAO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or not os.environ.get("DUDAO_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DUDAO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DUDAO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DUDAO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DUDAO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DUDAO_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("DUDAO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DUDAO_EMAIL_FROM", "督导通 <noreply@localhost>")

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Scripts and style sheets only from our own static files. Style *attributes* are allowed
# (a few pages set a bar's width from data, and Django's admin uses them); they cannot run
# script. See docs/decisions/0005-logins-and-csp.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [
            "'self'",
        ],
        "style-src": [
            "'self'",
            # The <style> block of the 500 page (no static files when the server is failing).
            "'sha256-RR+5cHys3xfS9pM0dMHW1YqRgzuD44dpWbwskgwrN30='",
        ],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("DUDAO_TIME_ZONE") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DUDAO_STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("DUDAO_MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "media/"

# Uploads: roster workbooks for a city run to tens of MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DUDAO_MAX_IMPORT_BYTES = env.int("DUDAO_MAX_IMPORT_BYTES", default=100 * 1024 * 1024)
DUDAO_IMPORT_SYNC = env_bool("DUDAO_IMPORT_SYNC", False)

# --- Background work (docs/decisions/0007-task-queue-django-q2.md) --------------------------
# django-q2 with its ORM broker: the queue is a table in the application's own database, so it
# works on the embedded SQLite and with any number of workers (`manage.py run_worker`) on one
# PostgreSQL. A task's row is locked while it runs; if its worker dies, the task is handed out
# again after `retry` seconds. Import tasks are idempotent (they re-check the job's state) and
# `imports.fail_stalled_jobs` (a periodic job) ends any job whose worker stopped reporting.
Q_CLUSTER = {
    "name": "dudao",
    "label": "后台任务",
    "orm": "default",
    "workers": int(os.environ.get("DUDAO_WORKERS", "2")),
    # A city-scale import takes minutes; nothing we run takes an hour.
    "timeout": int(os.environ.get("DUDAO_TASK_TIMEOUT_S", "3600")),
    "retry": int(os.environ.get("DUDAO_TASK_TIMEOUT_S", "3600")) + 120,
    "max_attempts": 2,
    "ack_failures": True,
    "save_limit": 500,
    "poll": float(os.environ.get("DUDAO_QUEUE_POLL_S", "1")),
    # The scheduler runs every 30 guard cycles (15 s by default).
    "guard_cycle": float(os.environ.get("DUDAO_QUEUE_GUARD_CYCLE_S", "0.5")),
    "catch_up": False,
    "recycle": 100,
}
# A running import that has not reported progress for this long is taken as interrupted (its
# worker died): the periodic job marks it failed; its one transaction rolled back.
DUDAO_IMPORT_STALLED_AFTER_S = int(os.environ.get("DUDAO_IMPORT_STALLED_AFTER_S", "300"))
# An archive export whose worker reported nothing for this long is shown as interrupted.
DUDAO_ARCHIVE_STALLED_AFTER_S = int(os.environ.get("DUDAO_ARCHIVE_STALLED_AFTER_S", "600"))
# Periodic jobs: name -> {"func": dotted path, "minutes": interval}. `manage.py run_worker`
# (and `manage.py sync_periodic_jobs`) writes them into django-q2's schedule; see
# docs/development.md "Periodic jobs" for how to add one.
DUDAO_PERIODIC_JOBS = {
    "archive.fail_stalled_exports": {
        "func": "dudao.archive.actions.fail_stalled_exports",
        "minutes": 1,
    },
    "imports.fail_stalled_jobs": {
        "func": "dudao.imports.actions.fail_stalled_jobs",
        "minutes": 1,
    },
    "surveys.scrub_closed_rounds": {
        "func": "dudao.surveys.atrest.scrub_closed_rounds",
        "minutes": 1,
    },
    # 催办: idempotent (each reminder at most once per item, step and deadline), so running it
    # every hour only catches a day's change as soon as the worker is up.
    "rectification.send_reminders": {
        "func": "dudao.rectification.reminders.send_reminders",
        "minutes": 60,
    },
    "evaluation.settle_closed_rounds": {
        "func": "dudao.evaluation.actions.settle_closed_rounds",
        "minutes": 5,
    },
    "evaluation.send_case_reminders": {
        "func": "dudao.evaluation.reminders.send_case_reminders",
        "minutes": 60,
    },
    # The supervision groups' weekly reports (idempotent: one per group and week).
    "supervision.compile_weekly_reports": {
        "func": "dudao.supervision.weekly.compile_current_week",
        "minutes": 60,
    },
}

# The Word template of the weekly report (empty: the default, dudao/supervision/docx/).
DUDAO_WEEKLY_REPORT_DOCX = env_str("DUDAO_WEEKLY_REPORT_DOCX")
# The roving inspection group's report to the leading group, likewise (empty: the default).
DUDAO_INSPECTION_REPORT_DOCX = env_str("DUDAO_INSPECTION_REPORT_DOCX")

# Transition applications waiting longer than this many days are flagged (one weekly cycle).
DUDAO_TRANSITION_WAIT_DAYS = env.int("DUDAO_TRANSITION_WAIT_DAYS", default=7)

# Copy detection (docs/reviews.md): a pair is reported when it shares a passage of this many
# characters, or this share of the smaller text; wording in this many texts (and this share of
# them) is a stock phrase of the campaign, not copying.
DUDAO_COPY_MIN_PASSAGE = int(os.environ.get("DUDAO_COPY_MIN_PASSAGE", "20"))
DUDAO_COPY_MIN_SHARE = float(os.environ.get("DUDAO_COPY_MIN_SHARE", "0.3"))
DUDAO_COPY_STOCK_MIN_DOCS = int(os.environ.get("DUDAO_COPY_STOCK_MIN_DOCS", "8"))
DUDAO_COPY_STOCK_SHARE = float(os.environ.get("DUDAO_COPY_STOCK_SHARE", "0.01"))

SESSION_COOKIE_HTTPONLY = True
# Empty (as in .env.example) means the default.
SESSION_COOKIE_SECURE = (
    env_bool("DUDAO_SECURE_COOKIES", not DEBUG) if env_str("DUDAO_SECURE_COOKIES") else not DEBUG
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DUDAO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.int("DUDAO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DUDAO_BEHIND_TLS_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line may carry a one-time code (dudao/surveys/logfilter.py): every handler
    # hides paths under /s/, and the development server logs through the same handler.
    "filters": {"answer_paths": {"()": "dudao.surveys.logfilter.RedactAnswerPaths"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["answer_paths"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "filters": ["answer_paths"],
            "formatter": "django.server",
        },
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DUDAO_LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
CSRF_FAILURE_VIEW = "dudao.web.views.csrf_failure"

# Word templates of the reports (bulletin.docx, summary.docx, final.docx) an office replaces:
# a file of that name in this folder is used instead of the shipped one (docs/reports.md).
DUDAO_REPORT_TEMPLATE_DIR = env_str("DUDAO_REPORT_TEMPLATE_DIR")
