"""Tasks the queue (django-q2) runs for the archive."""

from __future__ import annotations

from . import actions


def run_export(export_id: int) -> None:
    actions.run_export(export_id)
