"""Task entry points run by the queue's workers (``manage.py run_worker``). Thin: each calls the
action of the same name and closes this thread's connections afterwards."""

from __future__ import annotations

from django.db import close_old_connections

from . import actions, progress


def check_job(job_id: int) -> None:
    try:
        actions.check_job(job_id)
    finally:
        progress.close()
        close_old_connections()


def run_import(job_id: int, *, actor_id: int) -> None:
    try:
        actions.run_import(job_id, actor_id=actor_id)
    finally:
        progress.close()
        close_old_connections()
