"""The answering page: no login, no JavaScript, no cookie, small; a code is counted once; and
nothing the request leaves behind (logs, headers) carries the code."""

from __future__ import annotations

import logging

import pytest

from dudao.surveys.tests.helpers import open_round

pytestmark = pytest.mark.django_db

GOOD = {"found_problems": "找准抓住了", "formality": "扎实认真"}


def test_it_answers_by_the_qr_link_without_login_javascript_or_cookie(client, cast05):
    round_, (code,) = open_round(cast05, codes=1)
    page = client.get(f"/s/{code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "分析评议阶段成效测评" in html and "是否找准抓住了突出问题" in html
    assert "<script" not in html
    assert len(page.content) < 8000  # fast on a cheap phone
    assert not page.cookies
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    done = client.post("/s/submit/", {"code": code, **GOOD})
    assert "您的答卷已提交，谢谢参与。" in done.content.decode()
    assert not done.cookies
    again = client.post("/s/submit/", {"code": code, **GOOD})
    assert "已经使用过" in again.content.decode()
    from dudao.surveys.tests.test_survey_answering import _total

    assert _total(round_) == 1


def test_it_takes_a_typed_code_and_explains_mistakes(client, cast05):
    round_, (code,) = open_round(cast05, codes=1)
    assert "输入测评码" in client.get("/s/").content.decode()
    page = client.post("/s/", {"code": f"{code[:4]}-{code[4:]}".lower()})
    assert "是否找准抓住了突出问题" in page.content.decode()
    unknown = client.post("/s/", {"code": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 200 and "测评码不存在" in unknown.content.decode()
    unknown_link = client.get("/s/ZZZZZZZZ/")
    assert unknown_link.status_code == 200 and "测评码不存在" in unknown_link.content.decode()
    missing = client.post("/s/submit/", {"code": code, "formality": "扎实认真"})
    html = missing.content.decode()
    assert "还有题目没有回答" in html and 'value="扎实认真" checked' in html


def test_it_writes_no_log_line_with_a_code(client, cast05, caplog):
    round_, codes = open_round(cast05, codes=3)
    caplog.set_level(logging.DEBUG)
    client.get(f"/s/{codes[0]}/")
    client.post("/s/submit/", {"code": codes[0], **GOOD})
    client.post("/s/submit/", {"code": codes[0], **GOOD})
    client.post("/s/submit/", {"code": codes[1], "formality": "走过场"})
    client.post("/s/", {"code": "WRONGCODE"})
    client.get("/s/ZZZZZZZZ/")
    text = "\n".join(r.getMessage() for r in caplog.records)
    for code in codes:
        assert code not in text
    assert "ZZZZZZZZ" not in text


def test_each_code_gets_its_own_code_on_a_page_rendered_once_per_round(client, cast05):
    """The fresh answering page is rendered once per round and filled in per code: it must be
    exactly the page the template renders for that code, with no placeholder left."""
    from django.template.loader import render_to_string

    from dudao.surveys import actions, public
    from dudao.surveys.codes import display

    round_, codes = open_round(cast05, codes=2)
    public._PAGES.clear()
    pages = [client.get(f"/s/{code}/").content.decode() for code in codes]
    assert len(public._PAGES) == 1
    for code, html in zip(codes, pages, strict=True):
        row, state = actions.lookup_code(code)
        inst = row["instrument"]
        expected = render_to_string(
            "surveys/public/answer.html",
            {
                "code": row["code"],
                "shown_code": display(row["code"]),
                "title": inst["name"],
                "about": row["round__participation__unit_name"],
                "questions": [
                    {
                        "code": q["code"],
                        "text": q["text"],
                        "options": [(i, o, False) for i, o in enumerate(q["options"])],
                        "error": None,
                    }
                    for q in inst["questions"]
                ],
                "errors": None,
            },
        )
        assert html == expected
        assert "@@" not in html and f'value="{code}"' in html and display(code) in html
    other = [c for c in codes]
    assert f'value="{other[1]}"' not in pages[0]
