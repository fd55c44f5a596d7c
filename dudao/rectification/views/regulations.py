"""Registers (建章立制, special actions) and the look-back (回头看): a unit's registers page
and its forms, checking a regulation, and the look-back of a unit and of an item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import DomainError

from .. import registers, rules, selectors
from ..access import (
    INSPECTOR,
    OFFICE,
    get_item_for_user,
    get_participation,
    participation_caps,
    visible_items,
)
from ..forms import (
    AreaStatusForm,
    CheckRegulationForm,
    LookBackForm,
    RegulationForm,
    SpecialActionForm,
)
from ..models import ActionKind, ItemStatus, Regulation
from ._common import _form_errors, _today, _with_lights


@login_required
def unit_registers(request, participation_id):
    p = get_participation(request.user, participation_id)
    caps = participation_caps(request.user, p)
    regs = list(p.regulations.select_related("checked_by").order_by("adopted_on", "pk"))
    actions_qs = p.special_actions.order_by("kind", "held_on", "pk")
    counts = {label: 0 for _v, label in ActionKind.choices}
    for a in actions_qs:
        counts[a.get_kind_display()] += 1
    progress = {a.area: a for a in p.area_progress.select_related("updated_by")}
    areas = []
    for area in rules.special_areas(p.campaign.template):
        row = progress.get(area["code"])
        form = AreaStatusForm(
            initial={
                "area": area["code"],
                "version": row.version if row else 0,
                "status": row.status if row else "not_started",
                "note": row.note if row else "",
            },
            auto_id=f"id_area_{area['code']}_%s",
        )
        areas.append({"name": area["name"], "row": row, "form": form})
    return render(
        request,
        "rectification/registers.html",
        {
            "p": p,
            "areas": areas,
            "caps": caps,
            "regulations": regs,
            "special_actions": actions_qs,
            "action_counts": counts,
            "may_check": bool(caps & {INSPECTOR, OFFICE}),
            "regulation_form": RegulationForm(),
            "action_form": SpecialActionForm(),
            "check_form": CheckRegulationForm(),
        },
    )


def _unit_post(request, participation_id, form_class, run, done: str):
    p = get_participation(request.user, participation_id)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            run(p, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    return redirect("rectification:registers", p.pk)


@login_required
@require_POST
def regulation_add(request, participation_id):
    def run(p, data):
        registers.register_regulation(actor=request.user, participation=p, **data)

    return _unit_post(request, participation_id, RegulationForm, run, "已登记制度。")


@login_required
@require_POST
def area_status(request, participation_id):
    def run(p, data):
        registers.set_area_status(
            actor=request.user,
            participation=p,
            area=data["area"],
            status=data["status"],
            note=data["note"],
            version=data["version"],
        )

    return _unit_post(request, participation_id, AreaStatusForm, run, "已更新专项整治进展。")


@login_required
@require_POST
def special_action_add(request, participation_id):
    def run(p, data):
        registers.record_special_action(actor=request.user, participation=p, **data)

    return _unit_post(request, participation_id, SpecialActionForm, run, "已登记。")


@login_required
@require_POST
def regulation_check(request, regulation_id):
    from dudao.campaigns.models import Participation
    from dudao.orgs.access import scope_for as _scope

    visible = Participation.objects.filter(_scope(request.user).participation_q())
    reg = get_in_scope_or_404(
        Regulation.objects.filter(participation__in=visible).select_related("participation"),
        regulation_id,
    )
    form = CheckRegulationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            registers.check_regulation(
                actor=request.user,
                regulation=reg,
                in_force=form.cleaned_data["decision"] == "in_force",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "检查结果已记录。")
    return redirect("rectification:registers", reg.participation_id)


@login_required
def unit_look_back(request, participation_id):
    p = get_participation(request.user, participation_id)
    template = p.campaign.template
    items = _with_lights(
        list(
            visible_items(request.user)
            .filter(participation=p)
            .exclude(status=ItemStatus.CLOSED)
            .prefetch_related("look_backs")
            .order_by("number")
        ),
        template,
        _today(),
    )
    return render(
        request,
        "rectification/look_back.html",
        {
            "p": p,
            "items": items,
            "caps": participation_caps(request.user, p),
            "form": LookBackForm(),
            "result": selectors.look_back_result(p),
        },
    )


@login_required
@require_POST
def item_look_back(request, item_id):
    item = get_item_for_user(request.user, item_id)
    form = LookBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            registers.look_back_item(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"第 {item.number} 项回头看已记录。")
    return redirect("rectification:look_back", item.participation_id)
