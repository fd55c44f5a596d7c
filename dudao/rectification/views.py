"""Rectification pages. Thin: fetch through ``access`` (404 outside scope) → the permits
function, a selector or an action → render, or a message and a redirect. Forms work without
JavaScript and on a phone."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.campaigns.access import get_campaign_for_user, get_group_for_user
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.errors import DomainError
from dudao.core.xlsx import stream_workbook
from dudao.imports.excel import XLSX_MIME, FileRejected
from dudao.orgs.access import scope_for

from . import actions, ledger, registers, rules, selectors, sources
from .access import (
    GROUP,
    INSPECTOR,
    OFFICE,
    UNIT,
    get_item_for_user,
    get_participation,
    get_participation_as,
    item_permits,
    may_create,
    participation_caps,
    pending_close,
    pending_extension,
    visible_items,
)
from .forms import (
    AreaStatusForm,
    CheckRegulationForm,
    CloseForm,
    DecideExtensionForm,
    ExplainForm,
    ExtensionForm,
    FilterForm,
    ImportForm,
    ItemForm,
    LookBackForm,
    ProgressForm,
    RegulationForm,
    SignOffForm,
    SpecialActionForm,
)
from .models import (
    ActionKind,
    Attachment,
    Item,
    ItemStatus,
    Level,
    Publication,
    Regulation,
)

PAGE_SIZE = 100


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _today():
    return timezone.localdate()


def _with_lights(items, template, today):
    """Each item's light (from the SQL annotation when the list has one) and class name."""
    names = dict(rules.class_choices(template))
    for item in items:
        item.light_code = getattr(item, "light", None) or rules.light(
            template,
            status=item.status,
            rect_class=item.rect_class,
            deadline=item.deadline,
            today=today,
        )
        item.class_name = names.get(item.rect_class, item.rect_class)
    return items


# --- unit ledger ------------------------------------------------------------------------------


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


# --- one item ---------------------------------------------------------------------------------


@login_required
def item_detail(request, item_id):
    item = get_item_for_user(request.user, item_id)
    template = item.participation.campaign.template
    permits = item_permits(request.user, item)
    today = _today()
    _with_lights([item], template, today)
    application = pending_close(item) if item.status == ItemStatus.CLOSING else None
    roles = rules.signoff_roles(template)
    return render(
        request,
        "rectification/item.html",
        {
            "item": item,
            "p": item.participation,
            "permits": permits,
            "class_name": dict(rules.class_choices(template)).get(item.rect_class),
            "source": sources.linked(request.user, item),
            "updates": item.updates.select_related("author").prefetch_related("attachments"),
            "applications": item.close_applications.select_related("applied_by").prefetch_related(
                "signoffs__decided_by"
            ),
            "extensions": item.extensions.select_related("requested_by", "decided_by"),
            "reminders": selectors.reminders_of(item),
            "pending_ext": pending_extension(item),
            "application": application,
            "stage_label": rules.SIGNOFF_LABELS[roles[min(application.stage, len(roles) - 1)]]
            if application
            else "",
            "signoff_chain": "→".join(rules.SIGNOFF_LABELS[r] for r in roles),
            "progress_form": ProgressForm(initial={"happened_on": today}),
            "close_form": CloseForm(),
            "signoff_form": SignOffForm(),
            "extension_form": ExtensionForm(),
            "decide_form": DecideExtensionForm(),
            "explain_form": ExplainForm(),
            "light_label": rules.LIGHT_LABELS[item.light_code],
        },
    )


def _post_action(request, item_id, form_class, run, done: str):
    item = get_item_for_user(request.user, item_id)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("rectification:item", item.pk)
    try:
        run(item, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("rectification:item", item.pk)


@login_required
@require_POST
def item_progress(request, item_id):
    def run(item, data):
        actions.post_progress(
            actor=request.user,
            item=item,
            happened_on=data["happened_on"],
            text=data["text"],
            files=request.FILES.getlist("files"),
        )

    return _post_action(request, item_id, ProgressForm, run, "已记录整改进展。")


@login_required
@require_POST
def item_apply_close(request, item_id):
    def run(item, data):
        actions.apply_to_close(actor=request.user, item=item, evidence=data["evidence"])

    return _post_action(request, item_id, CloseForm, run, "已申请办结，等待审批。")


@login_required
@require_POST
def item_sign_off(request, item_id):
    def run(item, data):
        actions.sign_off_close(
            actor=request.user,
            item=item,
            accept=data["decision"] == "accept",
            reason=data["reason"],
        )

    return _post_action(request, item_id, SignOffForm, run, "审批意见已记录。")


@login_required
@require_POST
def item_extension(request, item_id):
    def run(item, data):
        actions.request_extension(
            actor=request.user, item=item, new_deadline=data["new_deadline"], reason=data["reason"]
        )

    return _post_action(request, item_id, ExtensionForm, run, "已提交延期申请，等待督导组审批。")


@login_required
@require_POST
def item_decide_extension(request, item_id):
    def run(item, data):
        actions.decide_extension(
            actor=request.user,
            item=item,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        )

    return _post_action(request, item_id, DecideExtensionForm, run, "延期审批已记录。")


@login_required
@require_POST
def item_explain(request, item_id):
    def run(item, data):
        actions.explain_item(actor=request.user, item=item, explanation=data["explanation"])

    return _post_action(request, item_id, ExplainForm, run, "已记录情况说明。")


@login_required
def attachment(request, attachment_id):
    att = get_in_scope_or_404(
        Attachment.objects.filter(update__item__in=visible_items(request.user)), attachment_id
    )
    return FileResponse(att.file.open("rb"), filename=att.original_name, as_attachment=False)


# --- overviews and lists ----------------------------------------------------------------------


@login_required
def campaign_overview(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    scope = scope_for(request.user)
    if not (scope.is_superuser or campaign.pk in scope.read_all_campaigns):
        raise Http404(NOT_FOUND)
    # The office and leading group see every item of the campaign (checked above): the counts
    # are the campaign's kept counters.
    overview = selectors.campaign_overview(campaign, _today())
    return render(
        request,
        "rectification/overview.html",
        {
            "title": f"{campaign} 整改落实总览",
            "campaign": campaign,
            "o": overview,
            "rows": overview["groups"],
            "row_label": "督导组",
            "class_names": dict(rules.class_choices(campaign.template)),
            "lights": rules.LIGHT_LABELS,
            "list_url": reverse("rectification:campaign_list", args=[campaign.pk]),
        },
    )


@login_required
def group_overview(request, group_id):
    group = get_group_for_user(request.user, group_id)
    # Whoever may see the group sees all its units' items (office, leading group, the group).
    overview = selectors.group_overview(group, Item.objects.all(), _today())
    return render(
        request,
        "rectification/overview.html",
        {
            "title": f"{group.name} 整改落实情况",
            "campaign": group.campaign,
            "o": overview,
            "rows": overview["units"],
            "row_label": "单位",
            "unit_rows": True,
            "class_names": dict(rules.class_choices(group.campaign.template)),
            "lights": rules.LIGHT_LABELS,
            "list_url": reverse("rectification:campaign_list", args=[group.campaign_id]),
        },
    )


def _campaign_items(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    items = visible_items(request.user).filter(campaign=campaign)
    form = FilterForm(request.GET or None)
    params = form.params() if request.GET else {}
    qs = selectors.filtered(items, campaign.template, _today(), params)
    return campaign, form, qs


@login_required
def campaign_list(request, campaign_id):
    campaign, form, qs = _campaign_items(request, campaign_id)
    items = _with_lights(list(qs[:PAGE_SIZE]), campaign.template, _today())
    return render(
        request,
        "rectification/list.html",
        {
            "campaign": campaign,
            "form": form,
            "items": items,
            "more": len(items) == PAGE_SIZE,
            "class_names": dict(rules.class_choices(campaign.template)),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def campaign_list_export(request, campaign_id):
    campaign, _form, qs = _campaign_items(request, campaign_id)
    names = dict(rules.class_choices(campaign.template))
    header = [
        "单位",
        "序号",
        "存在问题",
        "整改类别",
        "牵头责任人",
        "完成时限",
        "原定时限",
        "状态",
        "红黄绿",
        "办结日期",
    ]

    def rows():
        for item in qs.iterator(chunk_size=2000):
            yield (
                item.participation.unit_name,
                item.number,
                item.problem,
                names.get(item.rect_class, item.rect_class),
                item.lead_name,
                item.deadline,
                item.original_deadline if item.extended else None,
                item.get_status_display(),
                rules.LIGHT_LABELS[item.light],
                item.closed_on,
            )

    response = StreamingHttpResponse(
        stream_workbook("整改事项", header, rows(), widths=[24, 6, 48, 10, 12, 12, 12, 12, 12, 12]),
        content_type=XLSX_MIME,
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''rectification.xlsx"
    return response


@login_required
def todo(request):
    mine = list(
        visible_items(request.user)
        .filter(owner=request.user)
        .exclude(status__in=[ItemStatus.CLOSED, ItemStatus.EXPLAINED])
        .select_related("participation__campaign__template")
        .order_by("deadline", "pk")[:PAGE_SIZE]
    )
    today = _today()
    for item in mine:
        _with_lights([item], item.participation.campaign.template, today)
    return render(
        request,
        "rectification/todo.html",
        {"reminders": selectors.todo_reminders(request.user), "mine": mine},
    )


# --- public (公示): no login, no personal data ------------------------------------------------


def public_list(request, token):
    pub = get_object_or_404(
        Publication.objects.select_related("participation__campaign__template"),
        token=str(token)[:32],
        withdrawn_at__isnull=True,
    )
    p = pub.participation
    template = p.campaign.template
    # Only these columns leave the building: no names, accounts or co-owners' names.
    items = list(
        p.rectification_items.order_by("number").only(
            "number",
            "problem",
            "rect_class",
            "lead_post",
            "status",
            "deadline",
            "original_deadline",
            "closed_on",
            "explanation",
            "participation_id",
        )
    )
    _with_lights(items, template, _today())
    return render(
        request,
        "rectification/public.html",
        {
            "p": p,
            "items": items,
            "class_names": dict(rules.class_choices(template)),
            "published_at": pub.published_at,
        },
    )


def public_qr(request, token):
    pub = get_object_or_404(Publication, token=str(token)[:32], withdrawn_at__isnull=True)
    url = request.build_absolute_uri(reverse("rectification_public:list", args=[pub.token]))
    svg = segno.make(url, error="m").svg_inline(scale=6)
    return HttpResponse(svg, content_type="image/svg+xml")


# --- registers (建章立制, special actions) and the look-back (回头看) ----------------------------


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
