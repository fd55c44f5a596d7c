"""督导通 settings: one file, driven by the environment (see .env.example)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DUDAO_DEBUG", False)
SECRET_KEY = os.environ.get("DUDAO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Development only: a fixed, obviously insecure key so that sessions survive restarts.
        SECRET_KEY = "dev-insecure-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DUDAO_SECRET_KEY 未设置：关闭 DEBUG 时必须提供密钥（见 .env.example）。"
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
    "django_q",
    "dudao.core",
    "dudao.orgs",
    "dudao.campaigns",
    "dudao.imports",
    "dudao.records",
    "dudao.reviews",
    "dudao.surveys",
    "dudao.transitions",
    "dudao.web",
    "dudao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL through DATABASE_URL is production.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Import progress (dudao/imports/progress.py): on PostgreSQL a table of the database, written on
# a connection of its own; on SQLite, whose one write lock the import's transaction holds, a
# small second database file beside the first.
DUDAO_PROGRESS_SQLITE_PATH = None
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    SQLITE_PATH = Path(os.environ.get("DUDAO_SQLITE_PATH") or BASE_DIR / "var" / "dudao.sqlite3")
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
            "TEST": {"NAME": os.environ.get("DUDAO_SQLITE_TEST_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("DUDAO_FAST_PASSWORD_HASHER", False):
    # Tests and the city-scale demo create many accounts; never set this in production.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("DUDAO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DUDAO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("DUDAO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

# Uploads: roster workbooks for a city run to tens of MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DUDAO_MAX_IMPORT_BYTES = int(os.environ.get("DUDAO_MAX_IMPORT_BYTES", str(100 * 1024 * 1024)))
DUDAO_IMPORT_SYNC = env_bool("DUDAO_IMPORT_SYNC", False)

# --- Background work (docs/decisions/0004-task-queue-django-q2.md) --------------------------
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
# Periodic jobs: name -> {"func": dotted path, "minutes": interval}. `manage.py run_worker`
# (and `manage.py sync_periodic_jobs`) writes them into django-q2's schedule; see
# docs/development.md "Periodic jobs" for how to add one.
DUDAO_PERIODIC_JOBS = {
    "imports.fail_stalled_jobs": {
        "func": "dudao.imports.actions.fail_stalled_jobs",
        "minutes": 1,
    },
    "surveys.scrub_closed_rounds": {
        "func": "dudao.surveys.atrest.scrub_closed_rounds",
        "minutes": 1,
    },
}

# Transition applications waiting longer than this many days are flagged (one weekly cycle).
DUDAO_TRANSITION_WAIT_DAYS = int(os.environ.get("DUDAO_TRANSITION_WAIT_DAYS", "7"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DUDAO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DUDAO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DUDAO_HSTS_SECONDS", "0"))
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
    "root": {"handlers": ["console"], "level": os.environ.get("DUDAO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
CSRF_FAILURE_VIEW = "dudao.web.views.csrf_failure"
