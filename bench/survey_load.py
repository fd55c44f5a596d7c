"""Anonymous survey submissions under load: `python -m bench.survey_load [--codes N]`.

Starts gunicorn on 127.0.0.1 (a free port) against PostgreSQL (its own bench database), loads
one open round with N one-time codes, then in the same run drives a bounded, thread-based load
of (a) code-based submissions through the real answering page (POST /s/submit/) and (b) a bare
Django view that inserts one row (a bench-only URLconf, never in production urls). After the
run it checks that every acknowledged answer was counted exactly once: counters per question =
acknowledged answers = used codes.

It also measures (c) a respondent as a person answers: GET the code's page (what the QR code
opens), then POST the answers — besides the POST-only figure, in the same alternating slices —
with the CPU the server processes spent per respondent, and (d) 20 codes each submitted twice
at the same moment (a double tap, two phones): exactly 20 ballots must be stored.

With ``--servers 2`` two separate gunicorn instances serve the same PostgreSQL database and the
requests alternate between them (nothing one app process needs lives in another's memory).

Last line: {"servers", "submissions_per_s", "bare_insert_per_s", "ratio" (target ≥ 0.7),
"respondents_per_s" (GET + POST; target ≥ 0.5 × bare_insert_per_s),
"respondents_per_bare" (the two divided),
"server_cpu_ms_per_respondent", "load_avg", "double_submit_stored" (must be 20),
"errors" (must be 0)}.
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
        # The product's own WSGI application (config/wsgi.py: the answering pages on their short
        # middleware stack, the bare view on the full one), on this URLconf.
        from django.conf import settings

        from config.wsgi import application as app

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


def _request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    # Gunicorn's sync workers close each connection: one connection per request.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    if body is None:
        conn.request(method, path)
    else:
        data = urllib.parse.urlencode(body).encode()
        conn.request(method, path, data, {"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, text


def _drive(
    ports: list[int] | int,
    path: str,
    bodies: list[dict],
    threads: int,
    ok_text: str,
    *,
    open_page: bool = False,
) -> dict:
    """Send every body once (POST, form-encoded) from ``threads`` threads, the requests
    alternating between the servers on ``ports``; with ``open_page`` each POST is preceded by a
    GET of the code's answering page, as a respondent's phone does. Returns counts."""
    ports = [ports] if isinstance(ports, int) else list(ports)
    turn = iter(range(10**9))
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
            with lock:
                port = ports[next(turn) % len(ports)]
            try:
                good = True
                if open_page:
                    status, text = _request(port, "GET", f"/s/{body['code']}/")
                    good = status == 200 and "提交答卷" in text
                if good:
                    status, text = _request(port, "POST", path, body)
                    good = status == 200 and ok_text in text
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


def _cpu_seconds(masters: list[subprocess.Popen]) -> float:
    """User + system CPU of the gunicorn masters' workers (Linux /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for master in masters:
        try:
            children = (
                open(f"/proc/{master.pid}/task/{master.pid}/children").read().split()  # noqa: SIM115
            )
        except OSError:
            continue
        for pid in [str(master.pid), *children]:
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _database_cpu_seconds(db_name: str) -> float:
    """User + system CPU of the PostgreSQL backends serving ``db_name`` (Linux /proc), in
    seconds; the backends live as long as the app's persistent connections."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()  # noqa: SIM115
            if not cmdline.startswith(b"postgres: ") or f" {db_name} ".encode() not in cmdline:
                continue
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _cpu_split(masters: list[subprocess.Popen], db_name: str) -> dict[str, float]:
    """CPU seconds so far of the app servers, the database backends and this client."""
    times = os.times()
    return {
        "server_cpu": _cpu_seconds(masters),
        "database_cpu": _database_cpu_seconds(db_name),
        "client_cpu": times.user + times.system,
    }


def _double_submit(ports: list[int], codes: list[str]) -> dict:
    """Each code submitted twice at the same moment (a barrier releases both requests)."""
    barrier = threading.Barrier(2 * len(codes))
    lock = threading.Lock()
    stats = {"thanked": 0, "errors": 0}

    def once(code: str, port: int) -> None:
        barrier.wait()
        try:
            status, text = _request(port, "POST", "/s/submit/", {"code": code, **GOOD})
        except OSError:
            status, text = 0, ""
        with lock:
            if status == 200 and "谢谢参与" in text:
                stats["thanked"] += 1
            elif status >= 500 or status == 0:
                stats["errors"] += 1

    pool = [
        threading.Thread(target=once, args=(code, ports[(i + k) % len(ports)]))
        for i, code in enumerate(codes)
        for k in (0, 1)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
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
    parser.add_argument("--slices", type=int, default=6, help="各条路径交替测量的轮数")
    parser.add_argument("--servers", type=int, default=1, help="各自独立的 gunicorn 实例数")
    parser.add_argument("--respondents", type=int, default=0, help="完整答卷人数（默认同 --codes）")
    args = parser.parse_args(argv)
    respondents = args.respondents or args.codes
    doubles = 20

    os.environ["DATABASE_URL"] = _postgres_url()
    from bench.common import setup_django

    vendor = setup_django("survey_load", fresh=True)
    assert vendor == "postgresql"
    round_id, all_codes = _load(args.codes + respondents + doubles)
    codes = all_codes[: args.codes]
    people = all_codes[args.codes : args.codes + respondents]
    twice = all_codes[args.codes + respondents :]
    from django.db import connection

    connection.close()
    servers = max(1, args.servers)
    workers = args.workers or max(2, (2 * (os.cpu_count() or 1) + 1) // servers)
    ports = [_free_port() for _ in range(servers)]
    procs = []
    db_name = connection.settings_dict["NAME"]
    try:
        for port in ports:
            procs.append(_start_gunicorn(port, workers))
        warm = [{"code": f"warm{i}", **GOOD} for i in range(50)]
        _drive(ports, "/bench/bare-insert/", warm, args.threads, "ok")
        _drive(ports, "/s/submit/", warm, args.threads, "测评码不存在")
        # Side by side, in alternating slices, so that a busy moment of the machine falls on
        # every path alike.
        bare = {"ok": 0, "errors": 0, "seconds": 0.0, "acknowledged": []}
        subs = {"ok": 0, "errors": 0, "seconds": 0.0, "acknowledged": []}
        resp = {"ok": 0, "errors": 0, "seconds": 0.0, "acknowledged": []}
        slices = max(1, args.slices)
        for i in range(slices):
            for total, path, ok_text, part, page in (
                (bare, "/bench/bare-insert/", "ok", codes[i::slices], False),
                (subs, "/s/submit/", "谢谢参与", codes[i::slices], False),
                (resp, "/s/submit/", "谢谢参与", people[i::slices], True),
            ):
                bodies = [{"code": c, **GOOD} for c in part]
                before = _cpu_split(procs, db_name)
                got = _drive(ports, path, bodies, args.threads, ok_text, open_page=page)
                after = _cpu_split(procs, db_name)
                for key in ("ok", "errors", "seconds", "acknowledged"):
                    total[key] += got[key]
                for key in after:
                    total[key] = total.get(key, 0.0) + after[key] - before[key]
        for total in (bare, subs, resp):
            total["per_s"] = round(total["ok"] / total["seconds"], 1) if total["seconds"] else 0.0
        load_avg = round(os.getloadavg()[0], 2)
        double = _double_submit(ports, twice)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    from django.db import connection as conn2

    conn2.close()
    from dudao.surveys.models import SurveyCode

    double_stored = SurveyCode.objects.filter(round_id=round_id, code__in=twice, used=True).count()
    problems = _verify(round_id, subs["ok"] + resp["ok"] + double_stored)
    if double["thanked"] < doubles:
        problems.append(f"同时重复提交：{doubles} 个测评码只有 {double['thanked']} 次得到确认")
    if double_stored != doubles:
        problems.append(f"同时重复提交：{doubles} 个测评码存下 {double_stored} 份")
    duplicates = len(subs["acknowledged"] + resp["acknowledged"]) - len(
        set(subs["acknowledged"] + resp["acknowledged"])
    )
    if duplicates:
        problems.append(f"{duplicates} 个测评码被确认了不止一次")
    errors = subs["errors"] + bare["errors"] + resp["errors"] + double["errors"] + len(problems)
    ratio = round(subs["per_s"] / bare["per_s"], 3) if bare["per_s"] else 0.0
    cpu_ms = round(1000 * resp["server_cpu"] / resp["ok"], 2) if resp["ok"] else 0.0

    def per_item(total: dict, key: str) -> str:
        return f"{1000 * total[key] / total['ok']:.2f}" if total["ok"] else "—"

    table(
        [
            (
                label,
                n,
                total["ok"],
                total["errors"],
                f"{total['seconds']:.1f}",
                total["per_s"],
                per_item(total, "server_cpu"),
                per_item(total, "database_cpu"),
                per_item(total, "client_cpu"),
            )
            for label, n, total in (
                ("测评码提交 POST /s/submit/", len(codes), subs),
                ("完整答卷 GET 答题页 + POST", len(people), resp),
                ("裸视图插入一行", len(codes), bare),
            )
        ],
        (
            "路径",
            "请求",
            "成功",
            "错误",
            "用时(秒)",
            "每秒",
            "应用CPU毫秒/份",
            "数据库CPU毫秒/份",
            "压测端CPU毫秒/份",
        ),
    )
    print(
        f"{servers} 个 gunicorn 实例 × {workers} 个进程，{args.threads} 个并发线程，PostgreSQL；"
        f"{machine()}；负载 {load_avg}"
    )
    print(
        f"完整答卷每人服务器 CPU {cpu_ms} 毫秒；同时重复提交 {doubles} 个测评码，存下 {double_stored} 份。"
    )
    for p in problems:
        print("核对不符：" + p)
    if not problems:
        n = subs["ok"] + resp["ok"] + double_stored
        print(f"核对：{n} 份确认提交，计票和已使用测评码均为 {n}，逐一相符。")
    emit(
        {
            "servers": servers,
            "submissions_per_s": subs["per_s"],
            "bare_insert_per_s": bare["per_s"],
            "ratio": ratio,
            "respondents_per_s": resp["per_s"],
            "respondents_per_bare": (
                round(resp["per_s"] / bare["per_s"], 3) if bare["per_s"] else 0.0
            ),
            "server_cpu_ms_per_respondent": cpu_ms,
            "load_avg": load_avg,
            "double_submit_stored": double_stored,
            "errors": errors,
        }
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
