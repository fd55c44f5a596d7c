"""Campaign set-up pages for the campaign office: thin views over campaigns.actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.errors import DomainError
from dudao.orgs.access import get_campaign_for_manager, scope_for
from dudao.orgs.actions import grant_role
from dudao.orgs.models import Organisation, Person, Role, RoleAssignment

from . import actions
from .forms import SPLIT, BatchForm, CampaignForm, EnrolForm, GroupForm, InspectionForm
from .models import Participation, SupervisionGroup


def _may_create_campaigns(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.office_campaigns)


@login_required
def campaign_new(request):
    if not _may_create_campaigns(request.user):
        raise Http404("页面不存在或您无权访问")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = actions.create_campaign(
                actor=request.user,
                template=d["template"],
                root=d["root"],
                name=d["name"],
                short_name=d["short_name"],
                start_date=d["start_date"],
                end_date=d["end_date"],
            )
            grant_role(
                actor=request.user,
                user=request.user,
                role=Role.OFFICE,
                campaign=campaign,
                reason="创建活动",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"已创建“{campaign.name}”，并按模板建立了 {campaign.batches.count()} 个批次。",
            )
            return redirect("campaign_setup", campaign_id=campaign.pk)
    return render(request, "campaigns/new.html", {"form": form})


@login_required
def campaign_setup(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    batches = campaign.batches.annotate(units=Count("participations")).order_by("number")
    groups = list(
        campaign.groups.select_related("batch")
        .annotate(units=Count("participations"))
        .order_by("code")
    )
    roster: dict[int, list] = {}
    for ra in (
        RoleAssignment.objects.filter(group__campaign=campaign)
        .select_related("user")
        .order_by("role", "user__username")
    ):
        roster.setdefault(ra.group_id, []).append(ra)
    for g in groups:
        g.roster = roster.get(g.pk, [])
    unassigned = Participation.objects.filter(campaign=campaign, group__isnull=True).count()
    return render(
        request,
        "campaigns/setup.html",
        {
            "campaign": campaign,
            "batches": batches,
            "groups": groups,
            "unassigned": unassigned,
            "batch_form": BatchForm(),
            "inspection_form": InspectionForm(),
            "inspections": campaign.inspection_groups.prefetch_related("departments"),
        },
    )


@login_required
@require_POST
def batch_save(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "批次信息有误："
            + "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()),
        )
        return redirect("campaign_setup", campaign_id=campaign.pk)
    d = form.cleaned_data
    try:
        batch = campaign.batches.filter(number=d["number"]).first()
        if batch is None:
            actions.add_batch(actor=request.user, campaign=campaign, **d)
            messages.success(request, f"已添加{d['name']}。")
        else:
            actions.update_batch(
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


def _group_for_manager(campaign, group_id) -> SupervisionGroup:
    group = SupervisionGroup.objects.filter(campaign=campaign, pk=group_id).first()
    if group is None:
        raise Http404("督导组不存在")
    return group


@login_required
def group_edit(request, campaign_id, group_id=None):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    group = _group_for_manager(campaign, group_id) if group_id else None
    initial = {}
    if group is not None:
        roster = RoleAssignment.objects.filter(group=group).select_related("user")
        initial = {
            "code": group.code,
            "name": group.name,
            "batch": group.batch_id,
            "leader": next((ra.user.username for ra in roster if ra.role == Role.GROUP_LEADER), ""),
            "members": "、".join(ra.user.username for ra in roster if ra.role == Role.GROUP_MEMBER),
            "signature": actions.group_signature(group),
        }
    form = GroupForm(request.POST or None, initial=initial, campaign=campaign)
    if group is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if group is None:
                existing = campaign.groups.filter(code=d["code"]).first()
                if existing is not None and existing.name == d["name"]:
                    # A double submit of the same new group: show it rather than failing or duplicating.
                    messages.info(request, f"{existing.name}已建立。")
                    return redirect("campaign_setup", campaign_id=campaign.pk)
                group = actions.create_group(
                    actor=request.user,
                    campaign=campaign,
                    code=d["code"],
                    name=d["name"],
                    batch=d["batch"],
                )
                signature = actions.group_signature(group)
            else:
                signature = d["signature"]
            actions.update_group(
                actor=request.user,
                group=group,
                name=d["name"],
                batch=d["batch"],
                leader=d["leader"],
                members=d["members"],
                expected_signature=signature,
                reason=d["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存{group.name}。")
            return redirect("campaign_setup", campaign_id=campaign.pk)
    return render(
        request, "campaigns/group_form.html", {"campaign": campaign, "group": group, "form": form}
    )


@login_required
def people_search(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    q = request.GET.get("q", "").strip()[:50]
    people = []
    if q:
        people = (
            Person.objects.filter(user__isnull=False, branch__path__startswith=campaign.root.path)
            .filter(Q(name__contains=q) | Q(user__username__startswith=q))
            .select_related("user", "unit")
            .order_by("name")[:20]
        )
    return render(request, "campaigns/_people.html", {"people": people, "q": q})


@login_required
def units(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    q = request.GET.get("q", "").strip()[:50]
    enrolled_ids = Participation.objects.filter(campaign=campaign).values("unit_id")
    candidates = Organisation.objects.filter(
        kind="unit", path__startswith=campaign.root.path
    ).exclude(pk__in=enrolled_ids)
    if q:
        candidates = candidates.filter(name__contains=q)
    form = EnrolForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, failed = 0, []
        for unit in d["units"]:
            try:
                actions.enrol_unit(
                    actor=request.user,
                    campaign=campaign,
                    batch=d["batch"],
                    unit=unit,
                    group=d["group"],
                )
                done += 1
            except DomainError as exc:
                failed.append(exc.message)
        if done:
            messages.success(request, f"已将 {done} 个单位列入{d['batch'].name}。")
        for message in failed:
            messages.error(request, message)
        return redirect(request.get_full_path())
    participations = (
        Participation.objects.filter(campaign=campaign)
        .select_related("batch", "group")
        .order_by("unit_name")
    )
    if q:
        participations = participations.filter(unit_name__contains=q)
    return render(
        request,
        "campaigns/units.html",
        {
            "campaign": campaign,
            "form": form,
            "candidates": candidates.order_by("name")[:100],
            "candidate_count": candidates.count(),
            "participations": participations[:200],
            "participation_count": participations.count(),
            "q": q,
            "groups": campaign.groups.order_by("code"),
        },
    )


@login_required
@require_POST
def participation_group(request, campaign_id, participation_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    participation = Participation.objects.filter(campaign=campaign, pk=participation_id).first()
    if participation is None:
        raise Http404("参加单位不存在")
    group_id = request.POST.get("group") or None
    group = _group_for_manager(campaign, group_id) if group_id else None
    reason = request.POST.get("reason", "").strip()
    if (
        participation.group_id
        and participation.group_id != (group.pk if group else None)
        and not reason
    ):
        messages.error(request, f"调整“{participation.unit_name}”的督导组须填写理由。")
    else:
        try:
            actions.assign_unit_to_group(
                actor=request.user, participation=participation, group=group, reason=reason
            )
            messages.success(
                request,
                f"已将“{participation.unit_name}”分配给{group.name if group else '（未分配）'}。",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(f"/campaigns/{campaign.pk}/units/?q={participation.unit_name}")


@login_required
@require_POST
def inspection_create(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    form = InspectionForm(request.POST)
    if form.is_valid():
        codes = [c for c in SPLIT.split(form.cleaned_data["departments"]) if c]
        found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            messages.error(request, f"组织编码不存在：{'、'.join(missing)}")
        else:
            try:
                actions.create_inspection_group(
                    actor=request.user,
                    campaign=campaign,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    departments=[found[c] for c in codes],
                )
                messages.success(request, f"已建立{form.cleaned_data['name']}。")
            except DomainError as exc:
                messages.error(request, exc.message)
    else:
        messages.error(request, "请填写巡回检查组编号、名称和负责部门。")
    return redirect("campaign_setup", campaign_id=campaign.pk)
