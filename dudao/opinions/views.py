"""Opinion pages. Thin: fetch through ``access`` (404 outside scope) → the permits function, a
selector or an action → render, or a message and a redirect. Forms work without JavaScript and
on a phone."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dudao.campaigns.models import Participation
from dudao.core.access import NOT_FOUND, parse_ids
from dudao.core.errors import DomainError
from dudao.core.xlsx import workbook_bytes
from dudao.imports.excel import XLSX_MIME, FileRejected
from dudao.orgs.access import scope_for

from . import actions, rules, selectors, workbook
from .access import (
    GROUP,
    OFFICE,
    UNIT,
    aimed_at,
    get_opinion_for_user,
    get_participation,
    get_participation_as,
    opinion_permits,
    unit_permits,
    visible_opinions,
)
from .forms import (
    ClassifyForm,
    FeedbackFormForm,
    HideForm,
    ImportForm,
    OpinionForm,
    ToItemForm,
)
from .models import TEAM_LEVEL, Opinion, OpinionBox, OpinionCategoryMark, Origin, TargetKind


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _unit_url(p) -> str:
    return reverse("opinions:unit", args=[p.pk])


@login_required
def home(request):
    """The units the user sees, each with collected / classified / fed back / into items, the
    totals per group and for all (one GROUP BY each)."""
    scope = scope_for(request.user)
    staff = (
        scope.is_superuser
        or scope.read_all_campaigns
        or scope.groups
        or scope.units
        or scope.inspection
    )
    visible = (
        Participation.objects.filter(scope.participation_q())
        if staff
        else Participation.objects.none()
    )
    parts = list(
        visible.select_related("group", "campaign").order_by(
            "campaign_id", "group__code", "unit_name"
        )
    )
    qs = visible_opinions(request.user).filter(participation__in=visible.values("pk"))
    per_unit = selectors.summaries(qs)
    per_group = selectors.summaries(qs, by="participation__group_id")
    groups = {}
    for p in parts:
        p.summary = per_unit.get(p.pk, selectors.Summary())
        if p.group_id and p.group_id not in groups:
            groups[p.group_id] = (p.group, per_group.get(p.group_id, selectors.Summary()))
    return render(
        request,
        "opinions/home.html",
        {
            "parts": parts,
            "groups": list(groups.values()),
            "total": selectors.summary(qs),
            "mine_count": aimed_at(request.user).count(),
        },
    )


@login_required
def mine(request):
    """What is aimed at me (a member): the text, the date and how it was fed back — never who
    gave it (``access.MEMBER_COLUMNS``)."""
    return render(request, "opinions/mine.html", {"rows": list(aimed_at(request.user))})


@login_required
def unit(request, participation_id):
    p = get_participation(request.user, participation_id)
    template = p.campaign.template
    qs = visible_opinions(request.user).filter(participation=p)
    show_hidden = request.GET.get("hidden") == "1"
    rows = selectors.register(qs if show_hidden else qs.filter(hidden=False), template)
    box = OpinionBox.objects.filter(participation=p).first()
    return render(
        request,
        "opinions/unit.html",
        {
            "p": p,
            "rows": rows,
            "summary": selectors.summary(qs),
            "permits": unit_permits(request.user, p),
            "box": box,
            "show_hidden": show_hidden,
        },
    )


@login_required
def opinion_new(request, participation_id):
    p = get_participation_as(request.user, participation_id, UNIT, GROUP, OFFICE)
    form = OpinionForm(request.POST or None, participation=p)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.record_opinion(
                    actor=request.user,
                    participation=p,
                    channel=d["channel"],
                    giver_kind=d["giver_kind"],
                    giver_note=d["giver_note"],
                    given_on=d["given_on"],
                    target_kind=d["target_kind"],
                    target_person=d["target_person"],
                    text=d["text"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已登记一条意见。")
                if request.POST.get("again"):
                    return redirect("opinions:new", p.pk)
                return redirect(_unit_url(p))
        else:
            messages.error(request, _form_errors(form))
    return render(request, "opinions/new.html", {"p": p, "form": form})


@login_required
def opinion_import(request, participation_id):
    p = get_participation_as(request.user, participation_id, UNIT, GROUP, OFFICE)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = workbook.import_opinions(
                actor=request.user,
                participation=p,
                data=workbook.check_upload(form.cleaned_data["file"]),
                partial=form.cleaned_data["partial"],
            )
        except FileRejected as exc:
            messages.error(request, str(exc))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if outcome.written:
                messages.success(request, f"导入完成：{outcome.summary}。")
            else:
                messages.error(request, f"表格有 {len(outcome.problems)} 处错误，未导入任何意见。")
    return render(
        request,
        "opinions/import.html",
        {"p": p, "form": form, "outcome": outcome, "headers": workbook.HEADERS},
    )


@login_required
def opinion_export(request, participation_id):
    p = get_participation(request.user, participation_id)
    template = p.campaign.template
    qs = visible_opinions(request.user).filter(participation=p, hidden=False)
    rows = selectors.register(qs, template, show_merged=True)
    names = {o.pk: o.category_names for o in rows}
    rows.sort(key=lambda o: (o.given_on, o.pk))
    data = workbook_bytes("征求意见", workbook.EXPORT_HEADER, workbook.export_rows(rows, names))
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''opinions.xlsx"
    return response


@login_required
def duplicates(request, participation_id):
    p = get_participation(request.user, participation_id)
    permits = unit_permits(request.user, p)
    if request.method == "POST":
        if not permits.may("merge"):
            raise Http404(NOT_FOUND)
        qs = visible_opinions(request.user).filter(participation=p)
        ids = parse_ids(request.POST.getlist("merge"))
        keep = qs.filter(pk=parse_ids([request.POST.get("keep", "")])[0]).first()
        others = list(qs.filter(pk__in=ids))
        if keep is None or len(others) != len(set(ids)):
            raise Http404(NOT_FOUND)
        try:
            kept = actions.merge_opinions(
                actor=request.user, participation=p, keep=keep, others=others
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            n = 1 + kept.merged.count()
            messages.success(request, f"已合并：同类意见 {n} 条。")
        return redirect("opinions:duplicates", p.pk)
    return render(
        request,
        "opinions/duplicates.html",
        {"p": p, "groups": selectors.duplicate_groups(p), "permits": permits},
    )


@login_required
def feedback(request, participation_id):
    """Feed back a set of opinions: the team-level ones collectively, or one person's."""
    p = get_participation(request.user, participation_id)
    permits = unit_permits(request.user, p)
    if not permits.may("feed_back"):
        raise Http404(NOT_FOUND)
    qs = visible_opinions(request.user).filter(
        participation=p, hidden=False, merged_into__isnull=True
    )
    form = FeedbackFormForm(request.POST or None)
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("opinion"))
        chosen = list(qs.filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise Http404(NOT_FOUND)
        if form.is_valid():
            d = form.cleaned_data
            try:
                fb = actions.feed_back(
                    actor=request.user,
                    participation=p,
                    opinions=chosen,
                    form=d["form"],
                    fed_back_on=d["fed_back_on"],
                    outcome=d["outcome"],
                    text=d["text"],
                    outcome_note=d["outcome_note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已{fb.get_kind_display()} {len(chosen)} 条意见。")
                return redirect(_unit_url(p))
        else:
            messages.error(request, _form_errors(form))
    pending = selectors.register(qs.filter(feedback__isnull=True), p.campaign.template)
    team = [o for o in pending if o.target_kind in TEAM_LEVEL]
    people: dict = {}
    for o in pending:
        if o.target_kind == TargetKind.MEMBER:
            people.setdefault(o.target_person, []).append(o)
    return render(
        request,
        "opinions/feedback.html",
        {"p": p, "form": form, "team": team, "people": list(people.items())},
    )


@login_required
def box(request, participation_id):
    """The unit's opinion box: its QR code and link, and the box opinions to moderate."""
    p = get_participation(request.user, participation_id)
    permits = unit_permits(request.user, p)
    if request.method == "POST":
        if not permits.may("open_box"):
            raise Http404(NOT_FOUND)
        try:
            if request.POST.get("close"):
                actions.close_box(actor=request.user, participation=p)
                messages.success(request, "意见箱已关闭。")
            else:
                actions.open_box(actor=request.user, participation=p)
                messages.success(request, "意见箱已开设，可打印二维码张贴。")
        except (DomainError, OpinionBox.DoesNotExist) as exc:
            messages.error(request, getattr(exc, "message", "意见箱尚未开设。"))
        return redirect("opinions:box", p.pk)
    the_box = OpinionBox.objects.filter(participation=p).first()
    url = (
        request.build_absolute_uri(reverse("opinions_public:box", args=[the_box.token]))
        if the_box
        else ""
    )
    rows = selectors.register(
        visible_opinions(request.user).filter(participation=p, origin=Origin.BOX),
        p.campaign.template,
        show_merged=True,
    )
    return render(
        request,
        "opinions/box.html",
        {
            "p": p,
            "box": the_box,
            "url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=5) if the_box else "",
            "rows": rows,
            "permits": permits,
            "daily_limit": rules.box_daily_limit(p.campaign.template),
        },
    )


@login_required
def detail(request, opinion_id):
    o = get_opinion_for_user(request.user, opinion_id)
    p = o.participation
    template = p.campaign.template
    permits = opinion_permits(request.user, o)
    chosen = list(OpinionCategoryMark.objects.filter(opinion=o).values_list("code", flat=True))
    suggestions = selectors.suggestions(o) if permits.may("classify") else []
    initial = {"codes": chosen or [s.code for s in suggestions[:1]], "version": o.version}
    merged = list(Opinion.objects.filter(merged_into=o).order_by("given_on", "pk"))
    return render(
        request,
        "opinions/detail.html",
        {
            "o": o,
            "p": p,
            "permits": permits,
            # Why the main actions are not offered (unmerge is offered only where it applies).
            "reasons": list(
                dict.fromkeys(
                    permits.reason(a)
                    for a in ("classify", "feed_back", "to_rectification")
                    if permits.refused_by_state(a)
                )
            ),
            "classify_form": ClassifyForm(initial=initial, categories=rules.categories(template)),
            "suggestions": suggestions,
            "chosen": [rules.category_names(template).get(c, c) for c in chosen],
            "merged": merged,
            "hide_form": HideForm(),
            "item_form": ToItemForm(template=template),
            "rect_url": reverse("rectification:item", args=[o.rect_item_id])
            if o.rect_item_id
            else "",
        },
    )


@login_required
@require_POST
def classify(request, opinion_id):
    o = get_opinion_for_user(request.user, opinion_id)
    form = ClassifyForm(
        request.POST, categories=rules.categories(o.participation.campaign.template)
    )
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            actions.classify_opinion(
                actor=request.user,
                opinion=o,
                codes=form.cleaned_data["codes"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已确认类别。")
    return redirect("opinions:detail", o.pk)


@login_required
@require_POST
def hide(request, opinion_id):
    o = get_opinion_for_user(request.user, opinion_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            actions.hide_opinion(actor=request.user, opinion=o, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已屏蔽该意见。")
    return redirect("opinions:detail", o.pk)


@login_required
@require_POST
def to_item(request, opinion_id):
    o = get_opinion_for_user(request.user, opinion_id)
    form = ToItemForm(request.POST, template=o.participation.campaign.template)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            item = actions.turn_into_item(
                actor=request.user,
                opinion=o,
                rect_class=form.cleaned_data["rect_class"],
                measures=form.cleaned_data["measures"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已转为整改事项第 {item.number} 项。")
    return redirect("opinions:detail", o.pk)


@login_required
@require_POST
def unmerge(request, opinion_id):
    o = get_opinion_for_user(request.user, opinion_id)
    try:
        actions.unmerge_opinion(actor=request.user, opinion=o)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已将该意见从同类意见中移出。")
    return redirect("opinions:detail", o.pk)
