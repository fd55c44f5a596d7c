"""分析评议 pages. Thin: fetch through ``access`` (404 outside scope) → a permits function, a
selector or an action → render, or a message and a redirect. Forms work without JavaScript
and on a phone."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.campaigns.access import (
    get_campaign_for_user,
    visible_campaigns,
    visible_participations,
)
from dudao.core.access import NOT_FOUND, get_in_scope_or_404, parse_id
from dudao.core.errors import DomainError
from dudao.core.xlsx import stream_workbook
from dudao.imports.excel import XLSX_MIME
from dudao.orgs.models import Organisation, OrgKind
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.surveys.selectors import AUDIENCE_LABELS

from . import actions, letters, rules, selectors, talks
from .access import (
    GROUP,
    INSPECTOR,
    OFFICE,
    READ,
    UNIT,
    ballot_permits,
    case_permits,
    evaluation_permits,
    get_ballot_for_user,
    get_case_for_user,
    get_participation_as,
    participation_caps,
    visible_ballots,
    visible_cases,
)
from .models import MemberEvaluation, SelfAnalysisResult

VIEWERS = (UNIT, GROUP, OFFICE, READ, INSPECTOR)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(value, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(f"请按“年-月-日”填写{label}，例如 2005-04-01。") from None


def _int(value, label: str) -> int:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise DomainError(f"{label}应为不小于 0 的整数。")
    return int(text)


@login_required
def home(request):
    """The ballots and cases the user sees (a branch secretary's way in)."""
    ballots = (
        visible_ballots(request.user)
        .select_related("branch", "participation")
        .order_by("participation__unit_name", "branch__name")[:200]
    )
    cases = selectors.cases_for(visible_cases(request.user))[:200]
    campaigns = visible_campaigns(request.user).order_by("-pk")[:20]
    return render(
        request,
        "evaluation/home.html",
        {"ballots": ballots, "cases": cases, "campaigns": campaigns},
    )


@login_required
def campaign(request, campaign_id):
    """Counts per unit and group the user sees (issue 12 §10), with links to each unit."""
    c = get_campaign_for_user(request.user, campaign_id)
    parts = list(
        visible_participations(request.user, c)
        .select_related("group")
        .order_by("group__name", "unit_name")[:2000]
    )
    counts = selectors.unit_counts(parts)
    rows = [(p, counts[p.pk]) for p in parts]
    totals = {
        k: sum(getattr(u, k) for _p, u in rows)
        for k in ("members", "decided", "unqualified", "cases", "cases_open")
    }
    return render(request, "evaluation/campaign.html", {"c": c, "rows": rows, "totals": totals})


@login_required
def unit(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    caps = participation_caps(request.user, p)
    template = p.campaign.template
    counts = selectors.unit_counts([p])[p.pk]
    branches = Organisation.objects.filter(unit_id=p.unit_id, kind=OrgKind.BRANCH).order_by("name")
    ballots = {b.branch_id: b for b in visible_ballots(request.user).filter(participation=p)}
    return render(
        request,
        "evaluation/unit.html",
        {
            "p": p,
            "caps": caps,
            "counts": counts,
            "branches": [(b, ballots.get(b.pk)) for b in branches],
            "has_grades": bool(rules.grades(template)),
            "has_talks": bool(rules.talk_spec(template)),
            "has_tests": bool(rules.self_analysis_spec(template)),
            "cases": selectors.cases_for(visible_cases(request.user).filter(participation=p)),
        },
    )


@login_required
def talk_matrix(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    matrix = talks.matrix_for(p)
    rows = []
    if matrix is not None:
        for pair in matrix.pairs:
            rows.append(
                {
                    "pair": pair,
                    "kind": rules.PAIR_LABELS.get(pair.kind, ""),
                    "cells": [r in pair.done_rounds for r in range(1, matrix.rounds + 1)],
                }
            )
    return render(
        request,
        "evaluation/talks.html",
        {"p": p, "matrix": matrix, "rows": rows,
         "round_numbers": range(1, matrix.rounds + 1) if matrix else []},
    )  # fmt: skip


@login_required
def self_analysis(request, participation_id):
    p = get_participation_as(request.user, participation_id, *VIEWERS)
    spec = rules.self_analysis_spec(p.campaign.template)
    results = list(
        SelfAnalysisResult.objects.filter(participation=p)
        .select_related("person")
        .order_by("person__name")
    )
    for r in results:
        r.audience_label = AUDIENCE_LABELS.get(r.audience, "")
    pending = []
    if spec:
        settled = {r.round_id for r in results}
        pending = [
            r
            for r in SurveyRound.objects.filter(
                participation=p, instrument=spec["instrument"], subject_person__isnull=False
            )
            .exclude(status=RoundStatus.PREPARING)
            .select_related("subject_person")
            .order_by("subject_person__name")
            if r.pk not in settled
        ]
    caps = participation_caps(request.user, p)
    return render(
        request,
        "evaluation/self_analysis.html",
        {"p": p, "spec": spec, "results": results, "pending": pending,
         "may_settle": bool(caps & {UNIT, GROUP, OFFICE})},
    )  # fmt: skip


@login_required
@require_POST
def settle(request, round_id):
    round_ = get_in_scope_or_404(
        SurveyRound.objects.filter(subject_person__isnull=False).select_related("participation"),
        round_id,
    )
    p = get_participation_as(request.user, round_.participation_id, *VIEWERS)
    try:
        if round_.status == RoundStatus.OPEN:
            result = actions.close_self_analysis_test(actor=request.user, round_=round_)
        else:
            result = actions.settle_self_analysis(actor=request.user, round_=round_)
        messages.success(
            request, f"{result.person.name}：{result.get_status_display()}。{result.detail}"
        )
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:self_analysis", p.pk)


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
    from . import paper

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
            from . import paper

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


def _evaluation_for(user, evaluation_id) -> MemberEvaluation:
    return get_in_scope_or_404(
        MemberEvaluation.objects.filter(ballot__in=visible_ballots(user)).select_related(
            "ballot__participation__campaign__template", "ballot__participation__unit",
            "ballot__branch", "person",
        ),
        evaluation_id,
    )  # fmt: skip


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


@login_required
@require_POST
def open_case(request, evaluation_id):
    ev = _evaluation_for(request.user, evaluation_id)
    try:
        case = actions.open_case(actor=request.user, evaluation=ev)
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
        return redirect("evaluation:ballot", ev.ballot_id)
    return redirect("evaluation:case", case.pk)


@login_required
def case(request, case_id):
    c = get_case_for_user(request.user, case_id)
    template = c.participation.campaign.template
    step = rules.step(template, c.current_step) if c.current_step else None
    names = {s.code: s.name for s in rules.steps(template)}
    outcome_names = {o[0]: o[1] for s in rules.steps(template) for o in s.outcomes}
    permits = case_permits(request.user, c)
    steps = list(c.steps.prefetch_related("documents"))
    for s in steps:
        s.step_name = names.get(s.step, s.step)
        s.outcome_name = outcome_names.get(s.outcome, s.outcome)
    return render(
        request,
        "evaluation/case.html",
        {
            "c": c,
            "step": step,
            "steps": steps,
            "procedure": rules.steps(template),
            "outcome_name": outcome_names.get(c.outcome, ""),
            "permits": permits,
            "allowed": set(permits.allowed_actions()),
            "step_refusal": permits.reason("record_step"),
            "referrals": c.referrals.all(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def case_step(request, case_id):
    c = get_case_for_user(request.user, case_id)
    try:
        actions.record_step(
            actor=request.user,
            case=c,
            step=request.POST.get("step", ""),
            outcome=request.POST.get("outcome", ""),
            decided_by_name=request.POST.get("decided_by_name", ""),
            decided_on=_date(request.POST.get("decided_on"), "决定日期"),
            statement=request.POST.get("statement", ""),
            note=request.POST.get("note", ""),
            files=request.FILES.getlist("files"),
            expected_version=request.POST.get("version") or None,
        )
        messages.success(request, "已记录处理步骤。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:case", c.pk)


@login_required
@require_POST
def case_refer(request, case_id):
    c = get_case_for_user(request.user, case_id)
    try:
        actions.refer_to_discipline(
            actor=request.user, case=c, body=request.POST.get("body", ""),
            referred_on=_date(request.POST.get("referred_on"), "移送日期"),
            note=request.POST.get("note", ""),
        )  # fmt: skip
        messages.success(request, "已记录移送纪检机关。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:case", c.pk)


# --- 内设机构 (for the pair 班子成员与分管部门负责人) -------------------------------------------


def _division_page(request, p, outcome=None):
    from dudao.imports.excel import SPREADSHEET_ACCEPT
    from dudao.orgs.models import Person

    from . import divisions as div

    permits = div.division_permits(request.user, p)
    people = list(
        Person.objects.filter(unit_id=p.unit_id)
        .order_by("name", "pk")
        .only("pk", "name", "is_leadership")
    )
    return render(
        request,
        "evaluation/divisions.html",
        {
            "p": p,
            "divisions": div.divisions_of([p.unit_id]),
            "may_edit": permits.may("edit"),
            "people": people,
            "team": [x for x in people if x.is_leadership],
            "outcome": outcome,
            "accept": SPREADSHEET_ACCEPT,
            "asks_pairs": "team_with_division_heads"
            in (rules.talk_spec(p.campaign.template) or {}).get("pairs", []),
        },
    )


@login_required
def divisions(request, participation_id):
    """GET: the unit's divisions. POST: add one, change one (``division``) or delete one."""
    from dudao.core.access import get_optional_in_scope_or_404, parse_optional_id

    from . import divisions as div
    from .models import Division

    p = get_participation_as(request.user, participation_id, *VIEWERS)
    if request.method != "POST":
        return _division_page(request, p)
    d = get_optional_in_scope_or_404(
        Division.objects.filter(unit_id=p.unit_id), request.POST.get("division")
    )
    try:
        if d is not None and request.POST.get("delete"):
            div.delete_division(actor=request.user, participation=p, division=d)
            messages.success(request, f"已删除“{d.name}”。")
        else:
            saved = div.save_division(
                actor=request.user, participation=p, division=d,
                name=request.POST.get("name", "").replace("\x00", ""),
                head_id=parse_optional_id(request.POST.get("head")),
                in_charge_id=parse_optional_id(request.POST.get("in_charge")),
                expected_version=request.POST.get("version") or None,
            )  # fmt: skip
            messages.success(request, f"已保存“{saved.name}”。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:divisions", p.pk)


@login_required
@require_POST
def divisions_import(request, participation_id):
    from . import divisions as div

    p = get_participation_as(request.user, participation_id, *VIEWERS)
    if not div.division_permits(request.user, p).may("import"):
        return HttpResponse(div.division_permits(request.user, p).reason("import"), status=403)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("请选择要导入的文件。")
        if upload.size > 5 * 1024 * 1024:
            raise DomainError("文件超过 5 MB：内设机构名单不应这么大，请检查文件。")
        outcome = div.import_divisions(actor=request.user, participation=p, data=upload.read())
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
        return redirect("evaluation:divisions", p.pk)
    if outcome.written:
        messages.success(request, f"导入完成：{outcome.summary}。")
    else:
        messages.error(request, f"表格有 {len(outcome.problems)} 处错误，未导入。")
    return _division_page(request, p, outcome)
