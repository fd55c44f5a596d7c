"""Anonymous survey submissions under load: `python -m bench.survey_load [--codes N]`.

Starts gunicorn on 127.0.0.1 (a free port) against PostgreSQL (its own bench database), loads
one open round with N one-time codes, then in the same run drives a bounded, thread-based load
of (a) code-based submissions through the real answering page (POST /s/submit/) and (b) a bare
Django view that inserts one row (a bench-only URLconf, never in production urls). After the
run it checks that every acknowledged answer was counted exactly once: counters per question =
acknowledged answers = used codes.

Last line: {"submissions_per_s", "bare_insert_per_s", "ratio" (target ≥ 0.7), "errors" (must be 0)}.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from bench.common import ROOT, emit, machine, table

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/dudao"
GOOD = {"found_problems": "找准抓住了", "formality": "扎实认真"}
BARE_TABLE = "bench_bare_insert"


# --- the WSGI application gunicorn runs (bench-only URLconf) ---------------------------------


def _bare_insert(request):
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {BARE_TABLE} (body) VALUES (%s)", [request.POST.get("code", "")])
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _urlpatterns():
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    return [
        path("bench/bare-insert/", csrf_exempt(_bare_insert)),
        path("", include("config.urls")),
    ]


def __getattr__(name):
    # This module is the URLconf of the gunicorn workers (ROOT_URLCONF = "bench.survey_load");
    # built lazily so that importing the bench does not import Django's URL machinery.
    if name == "urlpatterns":
        return _urlpatterns()
    if name == "application":
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        settings.ROOT_URLCONF = "bench.survey_load"
        return app
    raise AttributeError(name)


# --- set-up ------------------------------------------------------------------------------------


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not url.startswith("postgres"):
        print("本基准测试需要 PostgreSQL：请把 DATABASE_URL 设为 postgres://…", file=sys.stderr)
        sys.exit(2)
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except Exception as exc:
        print(
            f"无法连接 PostgreSQL（{parts.hostname}:{parts.port or 5432}）：{exc}\n"
            "请启动 PostgreSQL，或用 DATABASE_URL=postgres://用户@主机:端口/库名 指定。",
            file=sys.stderr,
        )
        sys.exit(2)
    return url


def _load(codes: int) -> tuple[int, list[str]]:
    """A small campaign on the 2005 template with one open round of ``codes`` codes."""
    from django.db import connection

    from dudao.campaigns.models import Participation
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.surveys import actions
    from dudao.surveys.models import SurveyCode
    from dudao.testing import build_cast

    cast = build_cast(template=load_builtin_template("xianjinxing-2005"))
    office = cast.user("office")
    participation = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
    round_ = actions.create_round(
        actor=office, participation=participation, instrument="phase_effectiveness"
    )
    actions.issue_codes(actor=office, round_=round_, count=codes)
    actions.open_round(actor=office, round_=round_)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
        cur.execute(f"CREATE TABLE {BARE_TABLE} (id bigserial PRIMARY KEY, body text NOT NULL)")
    return round_.pk, list(SurveyCode.objects.filter(round=round_).values_list("code", flat=True))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # No access log: a request line of the answering page must never be written next to a time.
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.survey_load:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT))
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn 启动失败（退出码 {proc.returncode}）")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/s/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn 30 秒内未就绪")


# --- the load generator ------------------------------------------------------------------------


def _drive(port: int, path: str, bodies: list[dict], threads: int, ok_text: str) -> dict:
    """Send every body once (POST, form-encoded) from ``threads`` threads; returns counts."""
    work: queue.Queue = queue.Queue()
    for body in bodies:
        work.put(body)
    lock = threading.Lock()
    stats = {"ok": 0, "errors": 0, "acknowledged": []}

    def worker():
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                return
            data = urllib.parse.urlencode(body).encode()
            try:
                # Gunicorn's sync workers close each connection: one connection per request.
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(
                    "POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"}
                )
                resp = conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                conn.close()
                good = resp.status == 200 and ok_text in text
            except OSError:
                good = False
            with lock:
                if good:
                    stats["ok"] += 1
                    stats["acknowledged"].append(body.get("code"))
                else:
                    stats["errors"] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    stats["seconds"] = time.perf_counter() - started
    stats["per_s"] = round(stats["ok"] / stats["seconds"], 1) if stats["seconds"] else 0.0
    return stats


def _verify(round_id: int, acknowledged: int) -> list[str]:
    from django.db import connection
    from django.db.models import Sum

    from dudao.surveys.models import SurveyCode, Tally

    connection.close()
    problems = []
    used = SurveyCode.objects.filter(round_id=round_id, used=True).count()
    if used != acknowledged:
        problems.append(f"已使用测评码 {used} 个，确认提交 {acknowledged} 份")
    for question in GOOD:
        total = (
            Tally.objects.filter(round_id=round_id, question=question).aggregate(n=Sum("count"))[
                "n"
            ]
            or 0
        )
        if total != acknowledged:
            problems.append(f"题目 {question} 计票 {total}，确认提交 {acknowledged} 份")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=3000, help="提交份数（每份一个测评码）")
    parser.add_argument("--threads", type=int, default=16, help="并发线程数")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn 进程数（默认 2×CPU+1）")
    parser.add_argument("--slices", type=int, default=6, help="两条路径交替测量的轮数")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = _postgres_url()
    from bench.common import setup_django

    vendor = setup_django("survey_load", fresh=True)
    assert vendor == "postgresql"
    round_id, codes = _load(args.codes)
    from django.db import connection

    connection.close()
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    port = _free_port()
    proc = _start_gunicorn(port, workers)
    try:
        warm = [{"code": f"warm{i}", **GOOD} for i in range(50)]
        _drive(port, "/bench/bare-insert/", warm, args.threads, "ok")
        _drive(port, "/s/submit/", warm, args.threads, "测评码不存在")
        # Side by side, in alternating slices, so that a busy moment of the machine falls on
        # both paths alike.
        bare = {"ok": 0, "errors": 0, "seconds": 0.0, "acknowledged": []}
        subs = {"ok": 0, "errors": 0, "seconds": 0.0, "acknowledged": []}
        slices = max(1, args.slices)
        for i in range(slices):
            part = codes[i::slices]
            for total, path, ok_text in (
                (bare, "/bench/bare-insert/", "ok"),
                (subs, "/s/submit/", "谢谢参与"),
            ):
                got = _drive(port, path, [{"code": c, **GOOD} for c in part], args.threads, ok_text)
                for key in ("ok", "errors", "seconds", "acknowledged"):
                    total[key] += got[key]
        for total in (bare, subs):
            total["per_s"] = round(total["ok"] / total["seconds"], 1) if total["seconds"] else 0.0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    problems = _verify(round_id, subs["ok"])
    duplicates = len(subs["acknowledged"]) - len(set(subs["acknowledged"]))
    if duplicates:
        problems.append(f"{duplicates} 个测评码被确认了不止一次")
    errors = subs["errors"] + bare["errors"] + len(problems)
    ratio = round(subs["per_s"] / bare["per_s"], 3) if bare["per_s"] else 0.0
    table(
        [
            (
                "测评码提交 POST /s/submit/",
                len(codes),
                subs["ok"],
                subs["errors"],
                f"{subs['seconds']:.1f}",
                subs["per_s"],
            ),
            (
                "裸视图插入一行",
                len(codes),
                bare["ok"],
                bare["errors"],
                f"{bare['seconds']:.1f}",
                bare["per_s"],
            ),
        ],
        ("路径", "请求", "成功", "错误", "用时(秒)", "每秒"),
    )
    print(f"gunicorn {workers} 个进程，{args.threads} 个并发线程，PostgreSQL；{machine()}")
    for p in problems:
        print("核对不符：" + p)
    if not problems:
        print(f"核对：{subs['ok']} 份确认提交，计票和已使用测评码均为 {subs['ok']}，逐一相符。")
    emit(
        {
            "submissions_per_s": subs["per_s"],
            "bare_insert_per_s": bare["per_s"],
            "ratio": ratio,
            "errors": errors,
        }
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
