"""With DUDAO_CACHE_URL set to Redis, the campaign page's tally cache (dudao/reports/cache.py) is
one for every app server: a second process finds the figures the first counted without counting
them (its tally function is replaced by one that fails), and after an audited write in one
process the other counts again and shows the new figure. Each step is a separate Python
process on one SQLite file, as two app servers on one database. Skipped when no Redis answers
at 127.0.0.1:6379."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/0"

PRELUDE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from dudao.campaigns.models import Campaign, Participation
from dudao.reports import cache as report_cache, selectors

def page(campaign_id, user_id):
    campaign = Campaign.objects.select_related("template").get(pk=campaign_id)
    user = get_user_model().objects.get(pk=user_id)
    with CaptureQueriesContext(connection) as ctx:
        report, _charts = report_cache.campaign_page(user, campaign, selectors.Filters())
    return {
        "value": float(report.values["problems_found"]),
        "queries": len(ctx.captured_queries),
        "backend": settings.CACHES["default"]["BACKEND"],
    }
"""

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from dudao.campaigns.template_loader import load_builtin_template
from dudao.testing import build_cast
cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
part = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
print(json.dumps({"campaign": cast.campaign.pk, "office": cast.user("office").pk,
                  "head": cast.user("unit_head").pk, "part": part.pk}))
"""

# Counts (a miss) or finds the figures.
READ = """
print(json.dumps(page(int(sys.argv[1]), int(sys.argv[2]))))
"""

# Only finds them: counting would fail.
READ_HIT_ONLY = """
def refuse(**kwargs):
    raise SystemExit("counted instead of finding the shared cache")
selectors.tally_report = refuse
print(json.dumps(page(int(sys.argv[1]), int(sys.argv[2]))))
"""

WRITE = """
from dudao.records.actions import create_record
from dudao.records.models import FindingSource
create_record(
    "problems",
    actor=get_user_model().objects.get(pk=int(sys.argv[1])),
    participation=Participation.objects.get(pk=int(sys.argv[2])),
    data={"source": FindingSource.SELF, "person": None, "text": "进程之间共享缓存的测试问题"},
)
print("{}")
"""


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _process(db: Path, code: str, *args) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DUDAO_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DUDAO_ENV_FILE": "",
            "DUDAO_DEBUG": "1",
            "DUDAO_SECRET_KEY": "x",
            "DUDAO_AUDIT_KEY": "shared-cache-test",
            "DUDAO_FAST_PASSWORD_HASHER": "1",
            "DUDAO_SQLITE_PATH": str(db),
            "DUDAO_CACHE_URL": REDIS_URL,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + code, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_processes_share_the_tally_cache_and_see_each_others_writes(tmp_path):
    if not _redis_answers():
        pytest.skip("Redis 未在 127.0.0.1:6379 应答：跳过多进程共享缓存测试。")
    db = tmp_path / "shared.sqlite3"
    ids = _process(db, SETUP)
    campaign, office = ids["campaign"], ids["office"]

    first = _process(db, READ, campaign, office)
    assert first["backend"] == "django.core.cache.backends.redis.RedisCache"
    # Another process, whose counting would fail, finds what the first one counted.
    second = _process(db, READ_HIT_ONLY, campaign, office)
    assert second["value"] == first["value"]
    assert second["queries"] < first["queries"]

    # An audited write in one process: the other counts again and shows it.
    _process(db, WRITE, ids["head"], ids["part"])
    with pytest.raises(AssertionError, match="counted instead"):
        _process(db, READ_HIT_ONLY, campaign, office)
    after = _process(db, READ, campaign, office)
    assert after["value"] == first["value"] + 1
    assert _process(db, READ_HIT_ONLY, campaign, office)["value"] == after["value"]
