"""SQLite, the embedded default: with a reader holding one read transaction for the whole
round (a backup, a long report — it keeps the WAL from being reset), 30 ballots are cast and
the round is closed. Copies of the database file and its WAL taken at that moment are replayed
commit by commit, as an attacker would: no commit shows both a code being used and a counter
moving, so no code is linked to an answer. After the reader is gone the periodic job truncates
the WAL."""

from __future__ import annotations

import json
import os
import sqlite3
import struct

import pytest

from dudao.imports.tests.processes import stack

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite only"
)

SCENARIO = """
import json, shutil, sqlite3
from django.conf import settings
from dudao.surveys.actions import _template_data, submit_ballot
from dudao.surveys.instruments import get_instrument
from dudao.surveys.tests.helpers import build_cast_2005, close, open_round
from dudao.surveys import atrest
cast = build_cast_2005()
path = settings.DATABASES["default"]["NAME"]
reader = sqlite3.connect(path, isolation_level=None)
reader.execute("BEGIN")
reader.execute("SELECT count(*) FROM surveys_surveycode").fetchone()  # snapshot taken here
round_, codes = open_round(cast, codes=30)
inst = get_instrument(_template_data(round_.campaign), round_.instrument)
ballots = []
for i, code in enumerate(codes):
    answers = {q["code"]: q["options"][(i + j) % len(q["options"])] for j, q in enumerate(inst["questions"])}
    assert submit_ballot(code=code, answers=answers).counted
    ballots.append([code, answers])
close(cast, round_)
shutil.copy(path, "{tmp}/copy.sqlite3")
shutil.copy(path + "-wal", "{tmp}/copy.sqlite3-wal")
reader.execute("ROLLBACK")
reader.close()
truncated = atrest.scrub_closed_rounds()
import os
print(json.dumps({"ballots": ballots, "round": round_.pk, "truncated": truncated,
    "wal_after": os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0}))
"""


def _states(db: bytes, wal: bytes, tmp):
    """The database as it was after each commit in the WAL (the attacker's replay)."""
    page_size = struct.unpack(">I", wal[8:12])[0]
    image = bytearray(db)
    off, n = 32, 0
    while off + 24 + page_size <= len(wal):
        pgno, commit = struct.unpack(">II", wal[off : off + 8])
        page = wal[off + 24 : off + 24 + page_size]
        end = pgno * page_size
        if len(image) < end:
            image.extend(b"\0" * (end - len(image)))
        image[end - page_size : end] = page
        off += 24 + page_size
        if commit:
            snap = bytearray(image[: commit * page_size])
            snap[18:20] = b"\x01\x01"  # read the image as a plain (rollback-journal) file
            path = tmp / f"state-{n}.sqlite3"
            path.write_bytes(bytes(snap))
            n += 1
            yield path


def _read(path, round_id):
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        used = {
            c
            for (c,) in conn.execute(
                "SELECT code FROM surveys_surveycode WHERE round_id = ? AND used", [round_id]
            )
        }
        tallies = dict(
            (f"{q}:{o}", n)
            for q, o, n in conn.execute(
                "SELECT question, option, sum(count) FROM surveys_tally WHERE round_id = ? "
                "GROUP BY question, option",
                [round_id],
            )
        )
        sealed = conn.execute(
            "SELECT count(*) FROM surveys_sealedballot WHERE round_id = ?", [round_id]
        ).fetchone()[0]
    except sqlite3.DatabaseError:
        return None  # before the round's tables held anything of it
    finally:
        conn.close()
    return used, tallies, sealed


def test_the_file_and_wal_link_no_code_to_an_answer(tmp_path):
    with stack(tmp_path) as s:
        out = json.loads(s.shell(SCENARIO.replace("{tmp}", str(tmp_path))).strip().splitlines()[-1])
    round_id = out["round"]
    wal = (tmp_path / "copy.sqlite3-wal").read_bytes()
    db = (tmp_path / "copy.sqlite3").read_bytes()
    assert len(wal) > 100_000  # the reader kept every commit of the round in the WAL
    states = [st for st in (_read(p, round_id) for p in _states(db, wal, tmp_path)) if st]
    flips = links = 0
    for (used0, tally0, _s0), (used1, tally1, _s1) in zip(states, states[1:]):
        newly = used1 - used0
        if newly:
            flips += 1
            if tally1 != tally0:
                links += 1
    assert flips == 30  # the replay works: it sees each ballot's commit
    assert links == 0  # and none of them moved a counter
    final_used, final_tally, final_sealed = states[-1]
    assert len(final_used) == 30 and final_sealed == 0 and sum(final_tally.values()) > 0
    # Nothing readable of the sealed ballots is left in the final file (secure_delete).
    assert b"gAAAAA" not in db  # Fernet tokens start so
    assert out["truncated"] and out["wal_after"] == 0  # the periodic job, once the reader left
