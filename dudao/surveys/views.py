"""Staff pages of the surveys: thin views over surveys.actions and surveys.selectors.

Every page fetches through ``dudao.orgs.access`` / ``dudao.surveys.access`` (404 outside the
user's scope; 404 too for writes by people who may only read). No page shows counts of a round
that is not closed, nor any count of a round below the instrument's minimum group size."""

from __future__ import annotations

import datetime as dt
import re

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.campaigns.access import (
    get_campaign_for_user,
    get_participation_for_user,
    visible_participations,
)
from dudao.campaigns.requirements.ports import STATUS_LABELS
from dudao.core.access import clean_query_text
from dudao.core.errors import DomainError

from . import actions, exports, rolls
from .access import (
    get_paper_sheet_for_runner,
    get_round_for,
    get_round_for_runner,
    get_round_for_user,
    may_run,
    round_instrument,
    survey_permits,
)
from .instruments import RUNNER_LABELS, get_instrument, instruments_of, question_results
from .models import PaperBallotSheet, SampledPerson, SurveyRound
from .selectors import (
    AUDIENCE_LABELS,
    code_counts,
    counts_for_rounds,
    group_summary,
    latest_rounds,
    outcomes_for_rounds,
    paper_state,
    unit_population,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value, default=None):
    """A count typed in a form: ASCII digits (a sign allowed, the action judges the range), at
    most nine of them; anything else (full-width digits, a NUL byte, 25 nines) is ``default``."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        return default
    return int(text)


def _date(value):
    try:
        return dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- a campaign's surveys ---------------------------------------------------------------------


@login_required
def campaign_surveys(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    data = campaign.template.data
    unit_instruments = [i for i in instruments_of(data) if i["subject"] == "unit"]
    if not unit_instruments:
        return render(request, "surveys/campaign.html", {"campaign": campaign, "instruments": []})
    codes = [i["code"] for i in unit_instruments]
    chosen = clean_query_text(request.GET.get("instrument"))
    inst = get_instrument(data, chosen if chosen in codes else codes[0])
    units = (
        visible_participations(request.user, campaign)
        .select_related("group")
        .order_by("unit_name", "pk")
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    rounds = latest_rounds(
        campaign_id=campaign.pk,
        instrument=inst["code"],
        participation_ids=[p.pk for p in rows],
        member=False,
    )
    outcomes = outcomes_for_rounds(rounds, data)
    by_unit = {r.participation_id: r for r in rounds}
    for p in rows:
        p.round = by_unit.get(p.pk)
        p.outcome = outcomes[p.round.pk] if p.round else None
    # Group summary over every visible unit's latest round of the instrument (not only this page).
    all_rounds = latest_rounds(
        campaign_id=campaign.pk,
        instrument=inst["code"],
        participation_ids=units.values("pk"),
        member=False,
    )
    full = list(
        SurveyRound.objects.filter(pk__in=[r.pk for r in all_rounds]).select_related(
            "participation__group"
        )
    )
    summary = group_summary(full, outcomes_for_rounds(full, data), data)
    return render(
        request,
        "surveys/campaign.html",
        {
            "campaign": campaign,
            "instruments": unit_instruments,
            "inst": inst,
            "page": page,
            "rows": rows,
            "summary": summary,
            "query": f"instrument={inst['code']}",
            "labels": STATUS_LABELS,
        },
    )


# --- a unit's surveys -------------------------------------------------------------------------


@login_required
def unit_surveys(request, participation_id):
    participation = get_participation_for_user(request.user, participation_id)
    data = participation.campaign.template.data
    rounds = list(
        SurveyRound.objects.filter(participation=participation)
        .select_related("subject_person")
        .order_by("instrument", "subject_person_id", "round_number")
    )
    outcomes = outcomes_for_rounds(rounds, data)
    blocks = []
    for inst in instruments_of(data):
        mine = [r for r in rounds if r.instrument == inst["code"]]
        for r in mine:
            r.outcome = outcomes[r.pk]
        blocks.append(
            {
                "inst": inst,
                "rounds": mine,
                "may_run": may_run(request.user, participation, inst),
                "runner": RUNNER_LABELS.get(inst["run_by"], inst["run_by"]),
                "audience": {
                    role: AUDIENCE_LABELS.get(v, v)
                    for role, v in (inst.get("audience") or {}).items()
                    if v
                },
            }
        )
    return render(
        request,
        "surveys/unit.html",
        {"participation": participation, "blocks": blocks, "labels": STATUS_LABELS},
    )


@login_required
@require_POST
def round_create(request, participation_id):
    participation = get_participation_for_user(request.user, participation_id)
    data = participation.campaign.template.data
    try:
        inst = get_instrument(data, clean_query_text(request.POST.get("instrument")))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:unit", participation_id=participation.pk)
    if not may_run(request.user, participation, inst):
        # The unit is visible to him (404 otherwise, above); the round is not his to run.
        runner = RUNNER_LABELS.get(inst["run_by"], inst["run_by"])
        raise PermissionDenied(f"“{inst['name']}”由{runner}组织实施。")
    try:
        if inst["subject"] == "member":
            n = actions.create_member_rounds(
                actor=request.user, participation=participation, instrument=inst["code"]
            )
            messages.success(request, f"已为 {n} 名党员建立“{inst['name']}”并生成测评码。")
            return redirect("surveys:unit", participation_id=participation.pk)
        round_ = actions.create_round(
            actor=request.user,
            participation=participation,
            instrument=inst["code"],
            expires_on=_date(request.POST.get("expires_on")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:unit", participation_id=participation.pk)
    messages.success(request, f"已建立“{inst['name']}”第 1 轮。")
    return redirect("surveys:round", round_id=round_.pk)


# --- a round ----------------------------------------------------------------------------------


@login_required
def round_detail(request, round_id):
    round_ = get_round_for_user(request.user, round_id)
    inst = round_instrument(round_)
    data = round_.campaign.template.data
    outcome = outcomes_for_rounds([round_], data)[round_.pk]
    results = None
    if outcome.status in ("passed", "failed"):
        results = question_results(inst, counts_for_rounds([round_.pk]).get(round_.pk, {}))
    permits = survey_permits(request.user, round_)
    runner = permits.may("open")
    sheet = (
        PaperBallotSheet.objects.filter(round=round_)
        .select_related("entered_by", "confirmed_by")
        .first()
    )
    paper = paper_state(round_, request.user, inst) if runner else None
    # Blind double entry: the form is filled with the user's own entry only, never another's.
    mine = paper["mine"].counts if paper and paper["mine"] else {}
    questions = [
        {
            "code": q["code"],
            "text": q["text"],
            "options": [(o, mine.get(f"{q['code']}:{o}", "")) for o in q["options"]],
        }
        for q in inst["questions"]
    ]
    sample_size = SampledPerson.objects.filter(round=round_).count()
    sample_size += rolls.RollSample.objects.filter(round=round_).count()
    # Before the draw, the sampler sees the population and its make-up (rolls.py).
    makeup = None
    if permits.may("sample") and inst.get("sampling") and not round_.sample_seed:
        members = unit_population(round_.participation, inst).count()
        makeup = rolls.makeup(round_.participation, inst, members)
    history = list(
        SurveyRound.objects.filter(
            participation=round_.participation,
            instrument=round_.instrument,
            subject_person=round_.subject_person,
        ).order_by("round_number")
    )
    return render(
        request,
        "surveys/round.html",
        {
            "round": round_,
            "inst": inst,
            "outcome": outcome,
            "label": STATUS_LABELS[outcome.status],
            "results": results,
            "codes": code_counts([round_.pk])[round_.pk],
            "runner": runner,
            "sampler": permits.may("sample"),
            "permits": permits,
            "sheet": sheet,
            "paper": paper,
            "questions": questions,
            "sample_size": sample_size,
            "makeup": makeup,
            "makeup_total": sum(n for _label, n in makeup) if makeup else 0,
            "uses_roll": rolls.uses_roll(inst),
            "history": history,
            "has_resurvey": SurveyRound.objects.filter(previous=round_).exists(),
            "runner_label": RUNNER_LABELS.get(inst["run_by"], inst["run_by"]),
            "base_url": _base_url(request),
            "open_link": _open_link(request, round_),
        },
    )


def _open_link(request, round_) -> dict | None:
    """The open link and its QR code (an SVG data URI) for the round page."""
    if not round_.open_token:
        return None
    url = f"{_base_url(request)}/s/open/{round_.open_token}/"
    return {"url": url, "qr": segno.make(url, error="m").svg_data_uri(scale=5)}


def _act(request, round_, fn, success: str):
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("surveys:round", round_id=round_.pk)


@login_required
@require_POST
def round_open_link(request, round_id):
    round_ = get_round_for(request.user, round_id, "open_link")
    return _act(
        request,
        round_,
        lambda: actions.enable_open_link(actor=request.user, round_=round_),
        "已开放公开链接：每台设备可回答一次。",
    )


@login_required
@require_POST
def round_sample(request, round_id):
    round_ = get_round_for(request.user, round_id, "sample")
    size = _int(request.POST.get("size"), 0)
    extra = _int(request.POST.get("extra_codes"), 0)
    return _act(
        request,
        round_,
        lambda: actions.draw_sample(
            actor=request.user,
            round_=round_,
            size=size,
            seed=clean_query_text(request.POST.get("seed")),
            extra_codes=extra,
        ),
        f"已随机抽取 {size} 人，并生成 {size + extra} 个测评码。",
    )


@login_required
@require_POST
def round_codes(request, round_id):
    round_ = get_round_for(request.user, round_id, "issue_codes")
    count = _int(request.POST.get("count"), 0)
    return _act(
        request,
        round_,
        lambda: actions.issue_codes(actor=request.user, round_=round_, count=count),
        f"已生成 {count} 个测评码。",
    )


@login_required
@require_POST
def round_open(request, round_id):
    round_ = get_round_for(request.user, round_id, "open")
    return _act(
        request,
        round_,
        lambda: actions.open_round(
            actor=request.user, round_=round_, expires_on=_date(request.POST.get("expires_on"))
        ),
        "测评已开始，可以发放测评码。",
    )


@login_required
@require_POST
def round_close(request, round_id):
    round_ = get_round_for(request.user, round_id, "close")
    return _act(
        request,
        round_,
        lambda: actions.close_round(actor=request.user, round_=round_),
        "测评已结束，结果如下。",
    )


@login_required
@require_POST
def round_resurvey(request, round_id):
    round_ = get_round_for(request.user, round_id, "resurvey")
    try:
        new = actions.start_resurvey(
            actor=request.user, previous=round_, reason=clean_query_text(request.POST.get("reason"))
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:round", round_id=round_.pk)
    messages.success(request, f"已建立第 {new.round_number} 轮测评（补课后重新测评）。")
    return redirect("surveys:round", round_id=new.pk)


def _paper_input(request, inst):
    figures = {k: _int(request.POST.get(k)) for k in ("issued", "returned", "void", "valid")}
    counts = {}
    for q in inst["questions"]:
        for o in q["options"]:
            key = f"{q['code']}:{o}"
            counts[key] = _int(request.POST.get(key), 0 if not request.POST.get(key) else None)
    return figures, counts


@login_required
@require_POST
def paper_enter(request, round_id):
    round_ = get_round_for(request.user, round_id, "paper")
    inst = round_instrument(round_)
    figures, counts = _paper_input(request, inst)
    return _act(
        request,
        round_,
        lambda: actions.enter_paper_ballots(
            actor=request.user,
            round_=round_,
            counts=counts,
            reason=clean_query_text(request.POST.get("reason")),
            **figures,
        ),
        "纸质票已录入。两位同志分别录入且一致后计入结果。",
    )


@login_required
@require_POST
def paper_confirm(request, round_id):
    sheet = get_paper_sheet_for_runner(request.user, round_id)
    return _act(
        request,
        sheet.round,
        lambda: actions.confirm_paper_ballots(actor=request.user, sheet=sheet),
        "纸质票已复核。",
    )


# --- hand-outs --------------------------------------------------------------------------------


def _title(round_, inst) -> tuple[str, str]:
    who = f" · {round_.subject_person.name}" if round_.subject_person_id else ""
    return (
        f"{inst['name']}（第{round_.round_number}轮）",
        f"{round_.participation.unit_name}{who}",
    )


@login_required
def codes_docx(request, round_id):
    round_ = get_round_for_runner(request.user, round_id)
    inst = round_instrument(round_)
    title, subtitle = _title(round_, inst)
    body = exports.qr_sheet_docx(
        title=title,
        subtitle=subtitle,
        base_url=_base_url(request),
        codes=list(
            round_.codes.filter(via_link=False).order_by("code").values_list("code", flat=True)
        ),
    )
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="survey-{round_.pk}-codes.docx"'
    return response


@login_required
def codes_xlsx(request, round_id):
    round_ = get_round_for_runner(request.user, round_id)
    body = exports.code_list_xlsx(
        base_url=_base_url(request),
        codes=list(
            round_.codes.filter(via_link=False).order_by("code").values_list("code", flat=True)
        ),
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{round_.pk}-codes.xlsx"'
    return response


@login_required
def sample_xlsx(request, round_id):
    round_ = get_round_for_runner(request.user, round_id, "sample")
    people = [
        (i, name, code, branch)
        for i, (name, code, branch) in enumerate(
            SampledPerson.objects.filter(round=round_)
            .order_by("person__branch__name", "person__code")
            .values_list("person__name", "person__code", "person__branch__name"),
            1,
        )
    ]
    # Drawn from the unit's roll (public representatives, service recipients…): no code, their
    # kind in place of the branch, the phone as kept (masked).
    start = len(people) + 1
    people += [
        (i, name, phone, rolls.RollKind(kind).label)
        for i, (name, phone, kind) in enumerate(
            rolls.RollSample.objects.filter(round=round_)
            .order_by("entry__kind", "entry__name", "entry__pk")
            .values_list("entry__name", "entry__phone_masked", "entry__kind"),
            start,
        )
    ]
    response = HttpResponse(exports.sample_list_xlsx(people), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{round_.pk}-sample.xlsx"'
    return response


@login_required
def round_roll(request, round_id):
    """The unit's survey roll beyond the members, kept by the sampler (rolls.py): its make-up
    and entries; POST: import a list from Excel, or remove one entry."""
    from dudao.core.access import get_in_scope_or_404
    from dudao.imports.excel import SPREADSHEET_ACCEPT

    round_ = get_round_for_runner(request.user, round_id, "sample")
    inst = round_instrument(round_)
    if not rolls.uses_roll(inst):
        raise Http404("本测评不在通报范围内抽样，没有测评名单")
    p = round_.participation
    outcome = None
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                entry = get_in_scope_or_404(
                    rolls.RollEntry.objects.filter(participation=p), request.POST["remove"]
                )
                rolls.remove_entry(actor=request.user, participation=p, entry=entry, may=True)
                messages.success(request, f"已从名单中删除“{entry.name}”。")
                return redirect("surveys:round_roll", round_id=round_.pk)
            upload = request.FILES.get("file")
            if upload is None:
                raise DomainError("请选择要导入的文件。")
            if upload.size > 10 * 1024 * 1024:
                raise DomainError("文件超过 10 MB，请分成几个文件导入。")
            outcome = rolls.import_roll(
                actor=request.user, participation=p, data=upload.read(), may=True
            )
            if outcome.written:
                messages.success(request, f"导入完成：{outcome.summary}。")
            else:
                messages.error(request, f"表格有 {len(outcome.problems)} 处错误，未导入任何人员。")
        except DomainError as exc:
            messages.error(request, exc.message)
    members = unit_population(p, inst).count()
    makeup = rolls.makeup(p, inst, members)
    return render(
        request,
        "surveys/roll.html",
        {
            "round": round_,
            "inst": inst,
            "makeup": makeup,
            "total": sum(n for _label, n in makeup),
            "entries": rolls.RollEntry.objects.filter(participation=p),
            "drawn": set(
                rolls.RollSample.objects.filter(entry__participation=p).values_list(
                    "entry_id", flat=True
                )
            ),
            "outcome": outcome,
            "accept": SPREADSHEET_ACCEPT,
        },
    )
