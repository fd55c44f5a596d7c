"""Placeholder; filled below."""

from __future__ import annotations


def register() -> None:
    return None
