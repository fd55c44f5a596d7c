"""A unit's rectification ledger: the list, a new item, items from an approved plan, import,
export and publishing the list."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND
from dudao.core.errors import DomainError
from dudao.imports.excel import XLSX_MIME, FileRejected

from .. import actions, ledger, rules, selectors
from ..access import (
    GROUP,
    OFFICE,
    UNIT,
    get_participation,
    get_participation_as,
    may_create,
    participation_caps,
    visible_items,
)
from ..forms import FilterForm, ImportForm, ItemForm
from ..models import Level, Publication
from ._common import PAGE_SIZE, _form_errors, _today, _with_lights


@login_required
def unit_items(request, participation_id):
    p = get_participation(request.user, participation_id)
    template = p.campaign.template
    today = _today()
    items_qs = visible_items(request.user).filter(participation=p)
    form = FilterForm(request.GET or None)
    params = form.params() if request.GET else {}
    items = _with_lights(
        list(selectors.filtered(items_qs, template, today, params)[:PAGE_SIZE]), template, today
    )
    caps = participation_caps(request.user, p)
    pub = Publication.objects.filter(participation=p, withdrawn_at__isnull=True).first()
    public_url = (
        request.build_absolute_uri(reverse("rectification_public:list", args=[pub.token]))
        if pub
        else ""
    )
    return render(
        request,
        "rectification/unit.html",
        {
            "p": p,
            "items": items,
            "counts": selectors.counts(items_qs, template, today),
            "form": form,
            "caps": caps,
            "may_create": may_create(request.user, p),
            "plans": selectors.approved_plans(p) if may_create(request.user, p) else [],
            "publication": pub,
            "public_url": public_url,
            "qr_svg": segno.make(public_url, error="m").svg_inline(scale=4) if pub else "",
            "class_names": dict(rules.class_choices(template)),
        },
    )


@login_required
def item_new(request, participation_id):
    p = get_participation(request.user, participation_id)
    if not may_create(request.user, p):
        raise Http404(NOT_FOUND)
    form = ItemForm(request.POST or None, participation=p, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.create_item(
                actor=request.user,
                participation=p,
                level=data["level"],
                problem=data["problem"],
                source_kind=data["source_kind"],
                source_id=data["source_id"],
                rect_class=data["rect_class"],
                measures=data["measures"],
                target=data["target"],
                expected_effect=data["expected_effect"],
                lead_person=data["lead_person"],
                lead_post=data["lead_post"],
                co_owners=data["co_owners"],
                deadline=data["deadline"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记第 {item.number} 项整改事项。")
            return redirect("rectification:item", item.pk)
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
    return render(request, "rectification/item_new.html", {"p": p, "form": form})


@login_required
def from_plan(request, participation_id, document_id):
    """Pick passages of an approved rectification plan as items (each with its class)."""
    p = get_participation(request.user, participation_id)
    if not may_create(request.user, p):
        raise Http404(NOT_FOUND)
    plans = {plan["document"].pk: plan for plan in selectors.approved_plans(p)}
    plan = plans.get(document_id)
    if plan is None:
        raise Http404(NOT_FOUND)
    template = p.campaign.template
    classes = rules.class_choices(template)
    if request.method == "POST":
        picks = {}
        for raw in request.POST.getlist("pick"):
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 5):
                continue  # not a passage number of this page
            index = int(raw)
            rect_class = request.POST.get(f"class-{index}", "")
            if rect_class not in dict(classes):
                messages.error(request, f"请为第 {index + 1} 段选择整改类别。")
                return redirect("rectification:from_plan", p.pk, document_id)
            picks[index] = rect_class
        try:
            made = actions.items_from_plan(
                actor=request.user, participation=p, document=plan["document"], picks=picks
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("rectification:from_plan", p.pk, document_id)
        if made:
            messages.success(request, f"已从整改方案登记 {len(made)} 项整改事项。")
        else:
            messages.info(request, "所选段落都已登记为整改事项，没有重复登记。")
        return redirect("rectification:unit", p.pk)
    return render(
        request,
        "rectification/from_plan.html",
        {
            "p": p,
            "plan": plan,
            "classes": classes,
            "level_name": dict(Level.choices)[plan["level"]],
        },
    )


@login_required
def ledger_import(request, participation_id):
    p = get_participation_as(request.user, participation_id, UNIT, GROUP, OFFICE)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = ledger.import_ledger(
                actor=request.user,
                participation=p,
                data=form.cleaned_data["file"].read(),
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
                messages.error(request, f"台账有 {len(outcome.problems)} 处错误，未导入任何事项。")
    return render(request, "rectification/import.html", {"p": p, "form": form, "outcome": outcome})


@login_required
def ledger_export(request, participation_id):
    p = get_participation(request.user, participation_id)
    items = visible_items(request.user).filter(participation=p).order_by("number")
    response = HttpResponse(ledger.export_ledger(p, items), content_type=XLSX_MIME)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''ledger.xlsx"
    return response


@login_required
@require_POST
def publish(request, participation_id):
    p = get_participation(request.user, participation_id)
    try:
        actions.publish_list(actor=request.user, participation=p)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "整改清单已公示，群众可扫描二维码查看。")
    return redirect("rectification:unit", p.pk)
