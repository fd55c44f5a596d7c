"""A member's evaluation: the branch's proposal, the committee's grade and the letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND, parse_id
from dudao.core.errors import DomainError

from .. import actions, letters
from ..access import get_ballot_for_user
from ._common import DOCX_MIME, _evaluation_for


@login_required
@require_POST
def propose(request, ballot_id, person_id):
    b = get_ballot_for_user(request.user, ballot_id)
    row = b.members.filter(person_id=parse_id(person_id)).select_related("person").first()
    if row is None:
        raise Http404(NOT_FOUND)
    member = row.person
    try:
        actions.propose_evaluation(
            actor=request.user, ballot=b, person=member,
            opinion=request.POST.get("opinion", ""), grade=request.POST.get("grade", ""),
            expected_version=request.POST.get("version") or None,
        )  # fmt: skip
        messages.success(request, f"已保存对{member.name}的评议意见。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, f"{member.name}：{exc.message}")
    return redirect("evaluation:ballot", b.pk)


@login_required
@require_POST
def decide(request, evaluation_id):
    ev = _evaluation_for(request.user, evaluation_id)
    try:
        actions.decide_grade(
            actor=request.user, evaluation=ev, grade=request.POST.get("grade", ""),
            note=request.POST.get("note", ""), expected_version=request.POST.get("version") or None,
        )  # fmt: skip
        messages.success(request, f"已确定{ev.person.name}的等次。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, f"{ev.person.name}：{exc.message}")
    return redirect("evaluation:ballot", ev.ballot_id)


@login_required
@require_POST
def letter(request, evaluation_id):
    """Records that the member is told in writing today and returns the Word letter."""
    ev = _evaluation_for(request.user, evaluation_id)
    today = timezone.localdate()
    try:
        ev = actions.record_letter(actor=request.user, evaluation=ev, on=today)
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
        return redirect("evaluation:ballot", ev.ballot_id)
    response = HttpResponse(letters.evaluation_letter(ev, today=today), content_type=DOCX_MIME)
    response["Content-Disposition"] = f"attachment; filename=letter-{ev.pk}.docx"
    return response
