"""Branch ballots: creating one, its page and export, and the staff actions on it (codes,
opening, closing, paper ballots, notice)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND, get_in_scope_or_404, parse_id
from dudao.core.errors import DomainError
from dudao.core.xlsx import stream_workbook
from dudao.imports.excel import XLSX_MIME
from dudao.orgs.models import Organisation, OrgKind

from .. import actions, rules, selectors
from ..access import ballot_permits, evaluation_permits, get_ballot_for_user, get_participation_as
from ._common import VIEWERS, _date, _int


@login_required
@require_POST
def ballot_new(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    branch = get_in_scope_or_404(
        Organisation.objects.filter(unit_id=p.unit_id, kind=OrgKind.BRANCH),
        request.POST.get("branch"),
    )
    try:
        ballot = actions.create_ballot(actor=request.user, participation=p, branch=branch)
    except DomainError as exc:
        if exc.code == "forbidden":
            raise Http404(NOT_FOUND) from None
        messages.error(request, exc.message)
        return redirect("evaluation:unit", p.pk)
    return redirect("evaluation:ballot", ballot.pk)


@login_required
def ballot(request, ballot_id):
    b = get_ballot_for_user(request.user, ballot_id)
    template = b.participation.campaign.template
    permits = ballot_permits(request.user, b)
    results = selectors.ballot_results(b)
    for r in results:
        r.allowed = (
            set(evaluation_permits(request.user, r.evaluation).allowed_actions())
            if r.evaluation
            else set()
        )
        r.grade_names = (
            {
                "proposed": rules.grade_name(template, r.evaluation.proposed_grade),
                "decided": rules.grade_name(template, r.evaluation.decided_grade),
            }
            if r.evaluation
            else {}
        )
    spec = rules.member_evaluation_spec(template) or {}
    from .. import paper

    runner = permits.may("enter_paper") or permits.refused_by_state("enter_paper")
    paper_state = paper.paper_state(b, request.user) if runner else None
    mine = paper_state["mine"] if paper_state else None
    for r in results:
        # The clerk's own figures only (blind double entry: never the other clerk's).
        r.paper_mine = [
            (g, name, mine.counts.get(f"{r.person_id}:{g}", 0) if mine else 0)
            for g, name in rules.grades(template)
        ]
    return render(
        request,
        "evaluation/ballot.html",
        {
            "b": b,
            "paper": paper_state,
            "permits": permits,
            "allowed": set(permits.allowed_actions()),
            "results": results,
            "grades": rules.grades(template),
            "turnout": selectors.ballot_turnout(b),
            "notify_scope": spec.get("notify_scope", ""),
            "today": timezone.localdate(),
            "codes": None,
        },
    )


@login_required
def ballot_export(request, ballot_id):
    """The ballot's results per member, with the branch's opinion and the decided grade
    (closed ballots only: no counts while voting)."""
    b = get_ballot_for_user(request.user, ballot_id)
    if b.status != "closed":
        messages.error(request, "评议结束后才能导出结果。")
        return redirect("evaluation:ballot", b.pk)
    template = b.participation.campaign.template
    grades = rules.grades(template)
    header = ["序号", "姓名", *[f"{n}（票）" for _c, n in grades], "合计", "支部评议意见",
              "支部建议等次", "确定等次"]  # fmt: skip

    def rows():
        for i, r in enumerate(selectors.ballot_results(b), start=1):
            ev = r.evaluation
            yield (
                i,
                r.name,
                *[n for _g, _name, n in r.counts],
                r.total,
                ev.opinion if ev else "",
                rules.grade_name(template, ev.proposed_grade) if ev else "",
                rules.grade_name(template, ev.decided_grade) if ev and ev.decided_grade else "",
            )

    response = StreamingHttpResponse(
        stream_workbook(
            "民主评议党员", header, rows(), widths=[6, 12] + [9] * len(grades) + [8, 40, 12, 12]
        ),
        content_type=XLSX_MIME,
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''member-evaluation.xlsx"
    return response


BALLOT_ACTIONS = {"codes", "open", "close", "paper", "notice"}
PAPER_MESSAGES = {
    "waiting": "您的纸质票录入已保存。请另一位同志独立清点并录入，两次一致后计入结果。",
    "mismatch": "两次录入不一致，暂不计入结果：请核对下列不一致之处，重新清点后更正。",
    "agreed": "两次录入一致，纸质票已计入结果。",
    "none": "纸质票录入已保存。",
}


@login_required
@require_POST
def ballot_action(request, ballot_id, action):
    b = get_ballot_for_user(request.user, ballot_id)
    if action not in BALLOT_ACTIONS:
        raise Http404(NOT_FOUND)
    try:
        if action == "codes":
            codes = actions.issue_codes(
                actor=request.user, ballot=b, count=_int(request.POST.get("count"), "评议码数量")
            )
            # Shown once, to be printed; never stored next to anything else.
            from dudao.surveys.codes import display

            return render(
                request, "evaluation/codes.html", {"b": b, "codes": [display(c) for c in codes]}
            )
        if action == "open":
            actions.open_ballot(actor=request.user, ballot=b)
            messages.success(request, "评议已开始。")
        elif action == "close":
            actions.close_ballot(actor=request.user, ballot=b)
            messages.success(request, "评议已结束，结果如下。")
        elif action == "paper":
            counts = {}
            for key, value in request.POST.items():
                if key.startswith("n-"):
                    person, _sep, grade = key[2:].partition("-")
                    counts[(parse_id(person), grade)] = _int(value, "票数")
            from .. import paper

            paper.enter_paper_votes(
                actor=request.user, ballot=b, valid=_int(request.POST.get("valid"), "有效票数"),
                counts=counts, reason=request.POST.get("reason", ""),
            )  # fmt: skip
            state = paper.paper_state(b, request.user)["status"]
            messages.success(request, PAPER_MESSAGES[state])
        elif action == "notice":
            actions.record_notice(
                actor=request.user, ballot=b, on=_date(request.POST.get("on"), "通报日期")
            )
            messages.success(request, "已记录通报。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:ballot", b.pk)
