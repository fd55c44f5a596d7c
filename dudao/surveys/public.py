"""The answering pages under /s/: no login, no JavaScript, no cookie, small HTML, phone first.

What these views must never do (docs/anonymity.md): log, cache or store a code next to a time,
an address or an answer. So: no session or CSRF cookie (there is no session to protect; a
forged post could only spend a code the forger already holds), the code travels in the form
body of the POSTs (a request line with a code appears only for the QR link, see the threat
model), unknown codes answer 200 with a message rather than a 404 that Django would log with
the path, and the page is never cached."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import actions
from .codes import display, normalise
from .models import SurveyCode


def _answer_page(request, code: str, *, answers=None, errors=None, status=200):
    row, state = actions.lookup_code(code)
    if state != "ok":
        return render(
            request,
            "surveys/public/start.html",
            {"error": actions.MESSAGES[state], "code": display(normalise(code))},
            status=status,
        )
    inst = row["instrument"]
    who = row["round__subject_person__name"]
    if not answers and not errors and status == 200:
        return _fresh_answer_page(request, row, inst, who)
    answers = answers or {}
    questions = [
        {
            "code": q["code"],
            "text": q["text"],
            "options": [(i, o, answers.get(q["code"]) == o) for i, o in enumerate(q["options"])],
            "error": (errors or {}).get(q["code"]),
        }
        for q in inst["questions"]
    ]
    return render(
        request,
        "surveys/public/answer.html",
        {
            "code": row["code"],
            "shown_code": display(row["code"]),
            "title": inst["name"],
            "about": f"{row['round__participation__unit_name']}{' · ' + who if who else ''}",
            "questions": questions,
            "errors": errors,
        },
    )


# The answering page of a code that nobody has answered yet is the same for every code of a
# round but for the code itself: the page is rendered once per process for the round's
# instrument, unit and subject with a placeholder where the code goes, and each request fills
# in its code. Nothing about anyone is kept (the code is not stored; instruments of a template
# never change, see actions.ballots._instrument_for), so any process may serve any code.
_CODE_MARK, _SHOWN_MARK = "@@code@@", "@@shown-code@@"
_PAGES: dict[tuple, tuple[str, str]] = {}
_PAGES_MAX = 256


def _fresh_answer_page(request, row: dict, inst: dict, who: str | None) -> HttpResponse:
    about = f"{row['round__participation__unit_name']}{' · ' + who if who else ''}"
    key = (row["round__campaign__template_id"], row["round__instrument"], about)
    page = _PAGES.get(key)
    if page is None:
        html = render_to_string(
            "surveys/public/answer.html",
            {
                "code": _CODE_MARK,
                "shown_code": _SHOWN_MARK,
                "title": inst["name"],
                "about": about,
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
        # Split where the code goes; the marks themselves are never sent.
        head, _, rest = html.partition(_SHOWN_MARK)
        page = (head, rest)
        if len(_PAGES) >= _PAGES_MAX:
            _PAGES.clear()
        _PAGES[key] = page
    head, rest = page
    code = row["code"]  # normalised: letters and digits only, nothing to escape
    body = head + display(code) + rest.replace(_CODE_MARK, code)
    return HttpResponse(body, content_type="text/html; charset=utf-8")


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def start(request):
    """GET: a box to type the code. POST: the questions for the typed code."""
    if request.method == "POST":
        return _answer_page(request, request.POST.get("code", ""))
    return render(request, "surveys/public/start.html", {})


@never_cache
@require_http_methods(["GET"])
def by_link(request, code):
    """The QR code's link."""
    return _answer_page(request, code)


# The device's code for a round's open link lives in this cookie, on the device only: the
# server stores no device identifier, so "once per device" holds only as long as the cookie
# does (docs/anonymity.md says what this does and does not prevent).
LINK_COOKIE = "dudao_link_{round}"
LINK_COOKIE_DAYS = 90


@never_cache
@require_http_methods(["GET"])
def by_open_link(request, token):
    """The open link's page: the device gets a one-time code the first time, kept in a cookie;
    coming back shows the same code's questions, or that this device has answered."""
    round_id = (
        actions.SurveyRound.objects.filter(open_token=token).values_list("pk", flat=True).first()
    )
    cookie = LINK_COOKIE.format(round=round_id) if round_id else None
    kept = normalise(request.COOKIES.get(cookie, "")) if cookie else ""
    if kept and SurveyCode.objects.filter(round_id=round_id, code=kept, via_link=True).exists():
        row, state = actions.lookup_code(kept)
        if state == "used":
            return render(
                request,
                "surveys/public/done.html",
                {
                    "message": actions.MESSAGES["device_answered"],
                    "used": True,
                    "heading": "本设备已回答",
                },
            )
        return _answer_page(request, kept)
    code, state = actions.code_for_device(token)
    if code is None:
        return render(request, "surveys/public/start.html", {"error": actions.MESSAGES[state]})
    response = _answer_page(request, code)
    response.set_cookie(
        cookie,
        code,
        max_age=LINK_COOKIE_DAYS * 86400,
        path="/s/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# The thank-you page is the same for everyone: rendered once per process (it holds nothing
# about anyone), so a ballot costs the database call and little else (bench.survey_load).
_THANKS: list[bytes] = []


def _thanks() -> HttpResponse:
    if not _THANKS:
        _THANKS.append(
            render_to_string(
                "surveys/public/done.html", {"message": actions.MESSAGES["counted"]}
            ).encode("utf-8")
        )
    return HttpResponse(_THANKS[0], content_type="text/html; charset=utf-8")


@never_cache
@csrf_exempt
@require_POST
def submit(request):
    code = request.POST.get("code", "")
    answers = {k: v for k, v in request.POST.items() if k not in ("code",)}
    result = actions.submit_ballot(code=code, answers=answers)
    if result.counted:
        return _thanks()
    if result.status == "invalid":
        return _answer_page(request, code, answers=answers, errors=result.errors)
    if result.status == "used":
        return render(
            request, "surveys/public/done.html", {"message": result.message, "used": True}
        )
    return render(
        request,
        "surveys/public/start.html",
        {"error": result.message, "code": display(normalise(code))},
    )
