"""The public opinion box under /s/box/: no login, no JavaScript, no session or CSRF cookie,
never cached; paths under /s/ are kept out of the logs (surveys/logfilter.py).

What it stores (models.Opinion, actions.leave_box_opinion): the text, whom it is aimed at,
what the giver says he is, and the date — no account, address, device identifier or time.
The device keeps its own count of today's opinions in a cookie (``BOX_COOKIE``: the date and a
number, nothing the server could trace back), as the survey's open link keeps its code."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dudao.core.errors import DomainError

from . import actions
from .forms import BoxForm
from .models import OpinionBox

BOX_COOKIE = "dudao_box"


def _device_count(request, today: dt.date) -> int:
    day, _, n = request.COOKIES.get(BOX_COOKIE, "").partition(":")
    if day != today.isoformat() or not n.isdigit():
        return 0
    return min(int(n), 10000)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def box(request, token):
    found = (
        OpinionBox.objects.filter(token=str(token)[:32], is_open=True)
        .values_list("participation__unit_name", flat=True)
        .first()
    )
    if found is None:
        return render(
            request, "opinions/public/box.html", {"closed": actions.BOX_MESSAGES["unknown"]}
        )
    context = {"unit_name": found, "form": BoxForm(request.POST or None)}
    if request.method == "GET":
        return render(request, "opinions/public/box.html", context)
    form = context["form"]
    today = timezone.localdate()
    count = _device_count(request, today)
    if not form.is_valid():
        return render(request, "opinions/public/box.html", context)
    if form.cleaned_data["website"]:
        # A robot filled the trap: thank it and store nothing.
        return render(request, "opinions/public/done.html", {"message": actions.BOX_MESSAGES["ok"]})
    try:
        opinion, state = actions.leave_box_opinion(
            token=token,
            text=form.cleaned_data["text"],
            target_kind=form.cleaned_data["target_kind"],
            giver_kind=form.cleaned_data["giver_kind"],
            device_count=count,
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "opinions/public/box.html", context)
    response = render(
        request,
        "opinions/public/done.html",
        {"message": actions.BOX_MESSAGES[state], "ok": opinion is not None, "token": token},
    )
    if opinion is not None:
        response.set_cookie(
            BOX_COOKIE,
            f"{today.isoformat()}:{count + 1}",
            max_age=2 * 86400,
            path=request.path,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
