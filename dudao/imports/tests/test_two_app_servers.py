"""Two separate app servers (gunicorn processes) and a worker on one PostgreSQL: a login on one
is valid on the other, and an import uploaded and started through one shows its progress and
its result through the other. Nothing one process needs from another is in its memory or on
its disk."""

from __future__ import annotations

import http.cookiejar
import io
import json
import os
import re
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from .helpers import person
from .helpers import roster as make
from .processes import free_port, stack

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="两台应用服务器共用一个 PostgreSQL：设置 DATABASE_URL 后运行",
)

SETUP = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("office", password="pw-123456-x")
"""


class Browser:
    """Cookies shared across both servers, as a browser behind a load balancer would send."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, url):
        with self.opener.open(url, timeout=60) as r:
            return r.geturl(), r.read().decode()

    def post(self, url, data: bytes, content_type: str, referer: str):
        req = urllib.request.Request(url, data=data, method="POST")
        req.add_header("Content-Type", content_type)
        req.add_header("X-CSRFToken", self.csrf())
        req.add_header("Referer", referer)
        with self.opener.open(req, timeout=120) as r:
            return r.geturl(), r.read().decode()


def _multipart(fields: dict, name: str, filename: str, data: bytes):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        )
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
    )
    out.write(data + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def test_a_login_and_an_import_are_seen_by_both_servers(tmp_path):
    with stack(tmp_path) as s:
        s.shell(SETUP)
        a, b = free_port(), free_port()
        s.server(a, "a.log")
        s.server(b, "b.log")
        s.worker()
        A, B = f"http://127.0.0.1:{a}", f"http://127.0.0.1:{b}"
        browser = Browser()

        browser.get(f"{A}/login/")
        form = urllib.parse.urlencode(
            {"username": "office", "password": "pw-123456-x", "csrfmiddlewaretoken": browser.csrf()}
        ).encode()
        browser.post(f"{A}/login/", form, "application/x-www-form-urlencoded", f"{A}/login/")
        url, body = browser.get(f"{B}/imports/roster/")  # logged in on A, served by B
        assert "/login/" not in url and "导入组织和人员名册" in body

        rows = [person(f"P{i:06d}", "测试人员", "T-U1-B1") for i in range(20000)]
        data, ctype = _multipart(
            {"csrfmiddlewaretoken": browser.csrf()}, "file", "名册.xlsx", make(people=rows)
        )
        url, _body = browser.post(f"{A}/imports/roster/", data, ctype, f"{A}/imports/roster/")
        job = re.search(r"/imports/jobs/(\d+)/", url).group(1)

        seen_progress, status = set(), ""
        end = time.monotonic() + 400
        while time.monotonic() < end:
            _u, body = browser.get(f"{B}/imports/jobs/{job}/")  # watched through B
            seen_progress |= set(re.findall(r"(读取|校验|写入)：\d+/\d+", body))
            if "检查完毕，没有发现错误" in body:
                form = urllib.parse.urlencode({"csrfmiddlewaretoken": browser.csrf()}).encode()
                browser.post(  # started through A
                    f"{A}/imports/jobs/{job}/import/",
                    form,
                    "application/x-www-form-urlencoded",
                    f"{A}/imports/jobs/{job}/",
                )
            if "导入完成" in body or "失败" in re.sub(r"<[^>]+>", "", body).split("状态：")[1][:6]:
                status = body
                break
            time.sleep(0.3)
        assert "导入完成" in status, status[-2000:]
        assert seen_progress, "B never showed the live progress of the job started through A"
        assert "20000" in status.replace(",", "")
        print(json.dumps(sorted(seen_progress)))
