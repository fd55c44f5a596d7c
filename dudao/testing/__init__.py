"""Test support: the named cast every test builds on (not imported by application code)."""

from .cast import *  # noqa: F401,F403
