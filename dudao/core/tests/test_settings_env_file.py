"""config/settings.py reads .env (django-environ), and the environment wins over it, so that
`.venv/bin/python manage.py …` works after `make demo` and `DUDAO_DEBUG=0 make test` means
what it says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
    "from django.conf import settings as s;"
    "print(s.DEBUG, s.SECRET_KEY, s.DUDAO_TRANSITION_WAIT_DAYS, s.TIME_ZONE)"
)


def _settings(env_file: Path | None, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DUDAO_")}
    clean.pop("DATABASE_URL", None)
    clean["DUDAO_ENV_FILE"] = str(env_file) if env_file else ""
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_it_reads_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DUDAO_DEBUG=1\nDUDAO_SECRET_KEY=from-the-file\nDUDAO_TRANSITION_WAIT_DAYS=14\n"
    )
    result = _settings(env_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "from-the-file", "14", "Asia/Shanghai"]


def test_it_lets_the_environment_win_over_the_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DUDAO_DEBUG=1\nDUDAO_SECRET_KEY=from-the-file\n")
    result = _settings(
        env_file,
        DUDAO_DEBUG="0",
        DUDAO_SECRET_KEY="from-the-environment",
        DUDAO_AUDIT_KEY="from-the-environment",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "from-the-environment"]


def test_it_refuses_to_start_without_a_secret_when_debug_is_off():
    result = _settings(None)
    assert result.returncode != 0
    assert "DUDAO_SECRET_KEY 未设置" in result.stderr
