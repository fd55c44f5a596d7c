"""Loaded by pytest before Django's settings (``-p config.pytest_env`` in pyproject.toml).

The test commands run with DEBUG off, where the settings refuse to start without an audit key;
tests get a fixed test-only key unless the environment already names one.
"""

from __future__ import annotations

import os

os.environ.setdefault("DUDAO_AUDIT_KEY", "test-only-audit-key")
