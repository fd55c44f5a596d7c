"""Campaign set-up pages for the campaign office: thin views over campaigns.actions.

Every page fetches its campaign through ``get_campaign_for_manager`` (404 for anyone but the
office and superusers, the leading group included), and every object inside it through a
query bounded by that campaign. Every POST: access helper → action → message or form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dudao.core.access import clean_query_text, id_or_none, parse_id
from dudao.core.errors import DomainError
from dudao.orgs.access import visible_people
from dudao.orgs.models import Organisation, OrgKind, Role, RoleAssignment

from . import access, actions
from .access import get_campaign_for_manager
from .forms import (
    BatchEditForm,
    BatchForm,
    CampaignEditForm,
    CampaignForm,
    EnrolForm,
    GroupForm,
    InspectionEditForm,
    InspectionForm,
)
from .models import CampaignTemplate, Participation

NOT_FOUND = "页面不存在或您无权访问"


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


# --- creating a campaign ----------------------------------------------------------------------


@login_required
def campaign_new(request):
    if not access.may_create_campaigns(request.user):
        raise Http404(NOT_FOUND)
    templates = list(CampaignTemplate.objects.order_by("code", "-version"))
    chosen = None
    wanted = clean_query_text(request.POST.get("template") or request.GET.get("template"))
    if wanted:
        chosen = next((t for t in templates if str(t.pk) == wanted), None)
    elif len(templates) == 1:
        chosen = templates[0]
    if request.method == "POST":
        form = CampaignForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                campaign, created = actions.create_campaign_from_template(
                    actor=request.user,
                    template=d["template"],
                    root=d["root"],
                    name=d["name"],
                    short_name=d["short_name"],
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if created:
                    messages.success(
                        request,
                        f"已创建“{campaign.name}”，并按模板建立了 "
                        f"{campaign.batches.count()} 个批次。",
                    )
                else:
                    messages.info(request, f"“{campaign.name}”已创建，未重复创建。")
                return redirect("campaign_setup", campaign_id=campaign.pk)
    else:
        initial = {"template": chosen.pk} if chosen else {}
        if chosen is not None:
            names = chosen.data.get("names", {})
            initial |= {
                "name": names.get("full", chosen.name),
                "short_name": names.get("short", ""),
            }
        form = CampaignForm(initial=initial, user=request.user)
    if chosen is not None:
        form.fields["template"].widget = form.fields["template"].hidden_widget()
    return render(
        request,
        "campaigns/new.html",
        {"form": form, "templates": templates, "chosen": chosen},
    )


# --- the set-up hub ---------------------------------------------------------------------------


@login_required
def campaign_setup(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    batches = list(
        campaign.batches.annotate(
            units=Count("participations"),
            unassigned=Count("participations", filter=Q(participations__group__isnull=True)),
        ).order_by("number")
    )
    for b in batches:
        b.signature = actions.batch_signature(b)
    groups = list(
        campaign.groups.select_related("batch")
        .annotate(units=Count("participations"))
        .order_by("code")
    )
    # One query for every group's roster, not one per group.
    roster: dict[int, list] = {}
    for ra in (
        RoleAssignment.objects.filter(group__campaign=campaign)
        .select_related("user")
        .order_by("role", "user__username")
    ):
        roster.setdefault(ra.group_id, []).append(ra)
    for g in groups:
        g.leaders = [ra.user for ra in roster.get(g.pk, []) if ra.role == Role.GROUP_LEADER]
        g.members = [ra.user for ra in roster.get(g.pk, []) if ra.role == Role.GROUP_MEMBER]
    inspections = list(campaign.inspection_groups.prefetch_related("departments").order_by("code"))
    inspectors: dict[int, list] = {}
    for ra in RoleAssignment.objects.filter(
        inspection_group__campaign=campaign, role=Role.INSPECTOR
    ).select_related("user"):
        inspectors.setdefault(ra.inspection_group_id, []).append(ra.user)
    for ig in inspections:
        ig.inspectors = inspectors.get(ig.pk, [])
    totals = Participation.objects.filter(campaign=campaign).aggregate(
        units=Count("pk"), unassigned=Count("pk", filter=Q(group__isnull=True))
    )
    edit_form = CampaignEditForm(
        initial={
            "name": campaign.name,
            "short_name": campaign.short_name,
            "start_date": campaign.start_date,
            "end_date": campaign.end_date,
            "signature": actions.campaign_signature(campaign),
        }
    )
    return render(
        request,
        "campaigns/setup.html",
        {
            "campaign": campaign,
            "phases": campaign.template.phases,
            "batches": batches,
            "groups": groups,
            "totals": totals,
            "edit_form": edit_form,
            "batch_form": BatchForm(initial={"number": len(batches) + 1}),
            "inspection_form": InspectionForm(campaign=campaign),
            "inspections": inspections,
        },
    )


@login_required
@require_POST
def campaign_edit(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    form = CampaignEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "活动信息未保存：" + _form_errors(form))
        return redirect("campaign_setup", campaign_id=campaign.pk)
    d = form.cleaned_data
    try:
        actions.update_campaign(
            actor=request.user,
            campaign=campaign,
            name=d["name"],
            short_name=d["short_name"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            expected_signature=d["signature"] or None,
            reason=d["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存活动信息。")
    return redirect("campaign_setup", campaign_id=campaign.pk)


@login_required
@require_POST
def batch_save(request, campaign_id):
    """Add a batch (or, with the number of an existing one, change it)."""
    campaign = get_campaign_for_manager(request.user, campaign_id)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "批次未保存：" + _form_errors(form))
        return redirect("campaign_setup", campaign_id=campaign.pk)
    d = form.cleaned_data
    try:
        batch = campaign.batches.filter(number=d["number"]).first()
        if batch is None:
            actions.add_batch(actor=request.user, campaign=campaign, **d)
            messages.success(request, f"已添加{d['name']}。")
        else:
            actions.edit_batch(
                actor=request.user,
                batch=batch,
                name=d["name"],
                scope=d["scope"],
                start_date=d["start_date"],
                end_date=d["end_date"],
            )
            messages.success(request, f"已保存{d['name']}。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("campaign_setup", campaign_id=campaign.pk)


@login_required
@require_POST
def batch_edit(request, campaign_id, batch_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    batch = access.get_batch(campaign, batch_id)
    form = BatchEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{batch.name}未保存：" + _form_errors(form))
        return redirect("campaign_setup", campaign_id=campaign.pk)
    d = form.cleaned_data
    try:
        actions.edit_batch(
            actor=request.user,
            batch=batch,
            name=d["name"],
            scope=d["scope"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            expected_signature=d["signature"] or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已保存{d['name']}。")
    return redirect("campaign_setup", campaign_id=campaign.pk)


# --- supervision groups -----------------------------------------------------------------------


@login_required
def group_edit(request, campaign_id, group_id=None):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    group = access.get_group(campaign, group_id) if group_id else None
    initial = {}
    if group is not None:
        roster = list(RoleAssignment.objects.filter(group=group).select_related("user"))
        initial = {
            "code": group.code,
            "name": group.name,
            "batch": group.batch_id,
            "leader": next((ra.user.username for ra in roster if ra.role == Role.GROUP_LEADER), ""),
            "members": "、".join(
                sorted(ra.user.username for ra in roster if ra.role == Role.GROUP_MEMBER)
            ),
            "signature": actions.group_signature(group),
        }
    form = GroupForm(request.POST or None, initial=initial, campaign=campaign)
    if group is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if group is None:
                group, created = actions.create_group_with_roster(
                    actor=request.user,
                    campaign=campaign,
                    code=d["code"],
                    name=d["name"],
                    batch=d["batch"],
                    leader=d["leader"],
                    members=d["members"],
                    reason=d["reason"],
                )
                message = (
                    f"已建立{group.name}。" if created else f"{group.name}已建立，未重复建立。"
                )
            else:
                actions.edit_group(
                    actor=request.user,
                    group=group,
                    name=d["name"],
                    batch=d["batch"],
                    leader=d["leader"],
                    members=d["members"],
                    expected_signature=d["signature"],
                    reason=d["reason"],
                )
                message = f"已保存{d['name']}。"
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, message)
            return redirect("campaign_setup", campaign_id=campaign.pk)
    units = group.participations.select_related("batch").order_by("unit_name") if group else None
    return render(
        request,
        "campaigns/group_form.html",
        {"campaign": campaign, "group": group, "form": form, "units": units},
    )


@login_required
def people_search(request, campaign_id):
    """Suggestions for the leader/member boxes: people with an account inside the campaign's
    range whose name, username or person code matches; at most 20, never the whole city."""
    campaign = get_campaign_for_manager(request.user, campaign_id)
    q = clean_query_text(request.GET.get("q"))[:50]
    people = []
    if q:
        people = list(
            visible_people(request.user)
            .filter(user__isnull=False, user__is_active=True)
            .filter(branch__path__startswith=campaign.root.path)
            .filter(Q(name__contains=q) | Q(user__username__startswith=q) | Q(code__startswith=q))
            .select_related("user", "unit", "branch")
            .order_by("name", "code")[:20]
        )
    # htmx asks for the list alone; without JavaScript the search form opens a whole page.
    template = "campaigns/_people.html" if request.htmx else "campaigns/people_search.html"
    return render(request, template, {"campaign": campaign, "people": people, "q": q})


# --- participating units ----------------------------------------------------------------------


def _units_query(request) -> dict:
    keep = {
        k: clean_query_text(request.GET[k])
        for k in ("q", "batch", "group")
        if clean_query_text(request.GET.get(k))
    }
    return keep


@login_required
def units(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    filters = _units_query(request)
    q = filters.get("q", "")[:50]
    form = EnrolForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            enrolled, unchanged, problems = actions.enrol_units(
                actor=request.user,
                campaign=campaign,
                batch=d["batch"],
                units=list(d["units"]),
                group=d["group"],
            )
            where = d["batch"].name + (f"，由{d['group'].name}督导" if d["group"] else "")
            if enrolled:
                messages.success(request, f"已将 {len(enrolled)} 个单位列入{where}。")
            if unchanged:
                messages.info(request, f"{unchanged} 个单位此前已列入{where}，未重复列入。")
            for message in problems:
                messages.error(request, message)
            return redirect(request.get_full_path())
    enrolled_ids = Participation.objects.filter(campaign=campaign).values("unit_id")
    candidates = Organisation.objects.filter(
        kind=OrgKind.UNIT, path__startswith=campaign.root.path
    ).exclude(pk__in=enrolled_ids)
    participations = Participation.objects.filter(campaign=campaign)
    if q:
        candidates = candidates.filter(Q(name__contains=q) | Q(code__startswith=q))
        participations = participations.filter(unit_name__contains=q)
    batch_filter = group_filter = None
    if filters.get("batch"):
        batch_filter = access.get_batch(campaign, filters["batch"])
        participations = participations.filter(batch=batch_filter)
    if filters.get("group") == "none":
        participations = participations.filter(group__isnull=True)
    elif filters.get("group"):
        group_filter = access.get_group(campaign, filters["group"])
        participations = participations.filter(group=group_filter)
    page = Paginator(
        participations.select_related("batch", "group", "unit").order_by("unit_name", "pk"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/units.html",
        {
            "campaign": campaign,
            "form": form,
            "candidates": candidates.order_by("name", "pk")[:100],
            "candidate_count": candidates.count(),
            "page": page,
            "query": urlencode(filters),
            "back": request.get_full_path(),
            "q": q,
            "filters": filters,
            "batch_filter": batch_filter,
            "group_filter": group_filter,
            "batches": campaign.batches.order_by("number"),
            "groups": campaign.groups.order_by("code"),
        },
    )


def _back_to_units(request, campaign) -> str:
    """Return to the list the clerk came from; only a units page of this campaign."""
    base = reverse("campaign_units", args=[campaign.pk])
    back = request.POST.get("back", "")
    return back if back.startswith(base) else base


@login_required
@require_POST
def participation_group(request, campaign_id, participation_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    participation = access.get_participation(campaign, participation_id)
    group = access.get_optional_group(campaign, request.POST.get("group"))
    expected = request.POST.get("current_group")
    kwargs = {}
    if expected is not None:  # the page says which group it showed; absent → no stale check
        kwargs["expected_group_id"] = id_or_none(expected)
    try:
        actions.change_unit_group(
            actor=request.user,
            participation=participation,
            group=group,
            reason=clean_query_text(request.POST.get("reason")),
            **kwargs,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"“{participation.unit_name}”现由{group.name if group else '（未分配督导组）'}督导。",
        )
    return redirect(_back_to_units(request, campaign))


@login_required
@require_POST
def participation_withdraw(request, campaign_id, participation_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    # The path's id is an int (the URL converter); a malformed one never gets here.
    participation = campaign.participations.filter(pk=parse_id(participation_id)).first()
    if participation is None:
        # Already withdrawn (a second click) or never there: nothing to do.
        messages.info(request, "该单位已不在本活动中。")
        return redirect(_back_to_units(request, campaign))
    try:
        actions.withdraw_unit(
            actor=request.user,
            participation=participation,
            reason=clean_query_text(request.POST.get("reason")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将“{participation.unit_name}”撤出本活动。")
    return redirect(_back_to_units(request, campaign))


# --- roving inspection groups -----------------------------------------------------------------


@login_required
@require_POST
def inspection_create(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    form = InspectionForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, "巡回检查组未建立：" + _form_errors(form))
        return redirect("campaign_setup", campaign_id=campaign.pk)
    d = form.cleaned_data
    try:
        ig, created = actions.set_up_inspection_group(
            actor=request.user,
            campaign=campaign,
            code=d["code"],
            name=d["name"],
            departments=d["departments"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已建立{ig.name}。" if created else f"{ig.name}已建立，未重复建立。"
        )
    return redirect("campaign_setup", campaign_id=campaign.pk)


@login_required
def inspection_edit(request, campaign_id, inspection_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    ig = access.get_inspection_group(campaign, inspection_id)
    initial = {
        "name": ig.name,
        "departments": "、".join(ig.departments.order_by("code").values_list("code", flat=True)),
        "signature": actions.inspection_signature(ig),
    }
    form = InspectionEditForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.assign_inspection_departments(
                actor=request.user,
                inspection_group=ig,
                departments=d["departments"],
                name=d["name"],
                expected_signature=d["signature"] or None,
                reason=d["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存{d['name']}的负责部门。")
            return redirect("campaign_setup", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/inspection_form.html",
        {"campaign": campaign, "inspection": ig, "form": form},
    )
