"""No one-time code appears in any log line the application writes: real requests to gunicorn
(with the project's config and its access log on) and to Django's development server, through
the QR link, the typed-code form, the ballot and an unknown code."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

from dudao.imports.tests.processes import free_port, stack

SETUP = """
import json
from dudao.surveys.tests.helpers import build_cast_2005, open_round
cast = build_cast_2005()
round_, codes = open_round(cast, codes=6)
from dudao.surveys.actions import _template_data
from dudao.surveys.instruments import get_instrument
inst = get_instrument(_template_data(round_.campaign), round_.instrument)
print(json.dumps({"codes": codes, "answers": {q["code"]: q["options"][0] for q in inst["questions"]}}))
"""


def _get(url):
    try:
        return urllib.request.urlopen(url, timeout=30).read().decode()
    except urllib.error.HTTPError as exc:
        return exc.read().decode()


def _post(url, data):
    body = urllib.parse.urlencode(data).encode()
    try:
        return urllib.request.urlopen(url, body, timeout=30).read().decode()
    except urllib.error.HTTPError as exc:
        return exc.read().decode()


def test_it_writes_no_code_to_any_log_line(tmp_path):
    with stack(tmp_path) as s:
        made = json.loads(s.shell(SETUP).strip().splitlines()[-1])
        codes, answers = made["codes"], made["answers"]
        servers = []
        for dev in (False, True):
            port = free_port()
            servers.append(s.server(port, f"server-{int(dev)}.log", dev=dev))
            base = f"http://127.0.0.1:{port}"
            qr, typed = (codes[0], codes[1]) if not dev else (codes[2], codes[3])
            assert "提交" in _get(f"{base}/s/{qr}/")  # the QR link: code in the path
            assert "提交" in _post(f"{base}/s/", {"code": typed})  # typed: code in the body
            assert "提交成功" in _post(f"{base}/s/submit/", {"code": qr, **answers})
            _post(f"{base}/s/submit/", {"code": qr, **answers})  # again: already used
            _get(f"{base}/s/{typed}/nothing-here/")  # a 404 that Django logs with its path
            _get(f"{base}/s/{typed.lower()}/?code={typed}")
        for proc in servers:
            s.kill(proc, 15)
        logs = "".join(p.log_path.read_text("utf-8", "replace") for p in servers)
    assert "/s/" in logs  # the requests were logged, with the answering paths hidden
    for code in codes:
        for form in (code, code.lower(), f"{code[:4]}-{code[4:]}"):
            assert form not in logs, re.findall(rf".*{form}.*", logs)[:3]
