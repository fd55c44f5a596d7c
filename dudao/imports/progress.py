"""Live progress of a long import, readable from any process.

The import writes its data in ONE transaction (so a failure leaves nothing half-imported). On
SQLite no other connection can write while that transaction is open, so progress cannot go into
the job row; it goes into a small JSON file under MEDIA_ROOT (shared storage in a multi-machine
deployment), replaced atomically. Final state is always in the ImportJob row.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def _path(job_id: int) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "import-progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job_id}.json"


def write(job_id: int, stage: str, done: int, total: int) -> None:
    path = _path(job_id)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps({"stage": stage, "done": done, "total": total, "at": time.time()}), "utf-8"
    )
    os.replace(tmp, path)


def read(job_id: int) -> dict | None:
    try:
        return json.loads(_path(job_id).read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def clear(job_id: int) -> None:
    try:
        _path(job_id).unlink()
    except FileNotFoundError:
        pass


def reporter(job_id: int, every: float = 0.5):
    """A progress callback that writes at most every `every` seconds (and always at the end)."""
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= every:
            last[0] = now
            write(job_id, stage, done, total)

    return report


STALLED_AFTER_S = 300


def stalled(started_at, live: dict | None, *, now: float | None = None) -> bool:
    """True when a running job has reported nothing for STALLED_AFTER_S seconds: its process
    most likely ended (a restart). Its transaction rolled back, so nothing was half-imported."""
    now = time.time() if now is None else now
    last = live["at"] if live else started_at.timestamp()
    return now - last > STALLED_AFTER_S
