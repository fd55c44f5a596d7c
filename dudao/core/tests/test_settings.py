from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(env_overrides: dict[str, str], code: str) -> subprocess.CompletedProcess:
    # A clean production-like environment: no project variables, and not the async escape hatch
    # the browser tests set in this process.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DUDAO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _run({"DUDAO_DEBUG": "0"}, "import django; django.setup()")
    assert result.returncode != 0
    assert "DUDAO_SECRET_KEY" in result.stderr


def test_it_refuses_to_start_without_an_audit_key_when_debug_is_off():
    result = _run(
        {"DUDAO_DEBUG": "0", "DUDAO_SECRET_KEY": "x" * 64}, "import django; django.setup()"
    )
    assert result.returncode != 0
    assert "DUDAO_AUDIT_KEY" in result.stderr


def test_it_passes_the_deploy_check_in_production_settings():
    result = _run(
        {
            "DUDAO_DEBUG": "0",
            "DUDAO_SECRET_KEY": "x" * 64 + "-production-like-secret-key-value",
            "DUDAO_AUDIT_KEY": "y" * 64,
            "DUDAO_SSL_REDIRECT": "1",
            "DUDAO_HSTS_SECONDS": "31536000",
        },
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
    )
    assert result.returncode == 0, result.stderr + result.stdout
