"""The login-free voting page of a branch ballot under /e/: no JavaScript, no cookie, no CSRF
(there is no session to protect; a forged post could only spend a code the forger holds), never
cached, and nothing logged or stored next to a code (docs/anonymity.md, as for surveys)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from dudao.surveys.codes import display, normalise

from . import actions, rules


def _text(value: str) -> str:
    """A typed code as text the database takes (PostgreSQL refuses NUL in text)."""
    return value.replace("\x00", "")


def _vote_page(request, code: str, *, chosen=None, errors=None):
    ballot, state = actions.lookup_code(code)
    if state != "ok":
        return render(
            request,
            "evaluation/public/start.html",
            {"error": actions.VOTE_MESSAGES[state], "code": display(normalise(code))},
        )
    template = ballot.participation.campaign.template
    grades = rules.grades(template)
    chosen = chosen or {}
    members = [
        {
            "pk": m.person_id,
            "name": m.person.name,
            "options": [(g, n, chosen.get(str(m.person_id)) == g) for g, n in grades],
            "error": (errors or {}).get(m.person_id),
        }
        for m in ballot.members.select_related("person").order_by("position")
    ]
    return render(
        request,
        "evaluation/public/vote.html",
        {
            "code": normalise(code),
            "shown_code": display(normalise(code)),
            "ballot": ballot,
            "members": members,
            "errors": errors,
        },
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def start(request):
    """GET: a box to type the code. POST: the ballot for the typed code."""
    if request.method == "POST":
        return _vote_page(request, _text(request.POST.get("code", "")))
    return render(request, "evaluation/public/start.html", {})


@never_cache
@csrf_exempt
@require_POST
def vote(request):
    code = _text(request.POST.get("code", ""))
    grades = {k[2:]: v for k, v in request.POST.items() if k.startswith("g-")}
    result = actions.cast_vote(code=code, grades=grades)
    if result.counted or result.status == "used":
        return render(request, "evaluation/public/done.html", {"message": result.message})
    if result.status == "invalid":
        return _vote_page(request, code, chosen=grades, errors=result.errors)
    return render(
        request, "evaluation/public/start.html",
        {"error": result.message, "code": display(normalise(code))},
    )  # fmt: skip
