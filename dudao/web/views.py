"""Role-aware pages. Thin: parse → fetch through dudao.orgs.access → selector → render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from dudao.archive import selectors as archive_selectors
from dudao.archive.access import archive_permits
from dudao.campaigns import access as campaign_access
from dudao.campaigns import selectors as campaign_selectors
from dudao.campaigns.models import Campaign, Participation
from dudao.campaigns.terms import terms_of
from dudao.core.access import clean_query_text, id_or_none
from dudao.core.models import AuditEvent
from dudao.core.xlsx import stream_workbook
from dudao.orgs import access
from dudao.orgs import selectors as org_selectors
from dudao.orgs.actions import BRANCH_KINDS
from dudao.orgs.models import Organisation, Person, PersonCategory, RoleAssignment


@login_required
def home(request):
    user = request.user
    scope = access.scope_for(user)
    sections: dict = {}
    if scope.is_superuser or scope.read_all_campaigns:
        campaigns = Campaign.objects.select_related("template", "root").order_by("-start_date")
        if not scope.is_superuser:
            campaigns = campaigns.filter(pk__in=scope.read_all_campaigns)
        sections["campaigns"] = [
            (
                c,
                campaign_selectors.campaign_stats(c, Participation.objects.filter(campaign=c)),
                scope.can_manage_campaign(c.pk),
            )
            for c in campaigns[:10]
        ]
    if scope.groups:
        groups = list(
            campaign_access.visible_groups(user)
            .filter(pk__in=scope.groups)
            .select_related("campaign__template")
        )
        parts = list(
            Participation.objects.filter(group_id__in=scope.groups)
            .select_related("batch")
            .order_by("unit_name")[:200]
        )
        counts = campaign_selectors.member_counts([p.unit_id for p in parts])
        sections["groups"] = [
            (
                g,
                [
                    (
                        p,
                        counts.get(p.unit_id, 0),
                        campaign_selectors.phase_names(g.campaign).get(
                            p.current_phase, p.current_phase
                        ),
                    )
                    for p in parts
                    if p.group_id == g.pk
                ],
            )
            for g in groups
        ]
    if scope.inspection:
        parts = (
            campaign_access.visible_participations(user)
            .filter(campaign_id__in={c for c, _p in scope.inspection.values()})
            .select_related("group", "campaign__template")
            .order_by("unit_name")
        )
        page = Paginator(parts, 50).get_page(request.GET.get("page"))
        sections["inspection"] = [
            (p, campaign_selectors.phase_names(p.campaign).get(p.current_phase, p.current_phase))
            for p in page.object_list
        ]
        sections["inspection_page"] = page
        sections["inspection_groups"] = RoleAssignment.objects.filter(
            user=user, role="inspector"
        ).select_related("inspection_group")
    if scope.units:
        units = Organisation.objects.filter(pk__in=scope.units).order_by("name")
        parts = {
            p.unit_id: p
            for p in Participation.objects.filter(unit_id__in=scope.units).select_related(
                "batch", "group", "campaign__template"
            )
        }
        counts = campaign_selectors.member_counts(list(scope.units))
        sections["units"] = [
            (
                u,
                parts.get(u.pk),
                counts.get(u.pk, 0),
                campaign_selectors.phase_names(parts[u.pk].campaign).get(
                    parts[u.pk].current_phase, ""
                )
                if u.pk in parts
                else "",
            )
            for u in units
        ]
    if scope.branch_paths:
        branches = Organisation.objects.filter(pk__in=scope.branch_paths).select_related("unit")
        sections["branches"] = [
            (
                b,
                org_selectors.members_of(b).select_related("branch").order_by("code")[:100],
                org_selectors.members_of(b).count(),
            )
            for b in branches
        ]
    person = Person.objects.filter(user=user).select_related("branch", "unit").first()
    return render(
        request,
        "web/home.html",
        {
            "sections": sections,
            "person": person,
            "scope": scope,
            "no_role": not sections and person is None and not scope.is_superuser,
        },
    )


def _overview_context(request, campaign_id):
    campaign = campaign_access.get_campaign_for_user(request.user, campaign_id)
    filters = campaign_selectors.OverviewFilters.from_params(request.GET)
    return campaign, filters


@login_required
def campaign_overview(request, campaign_id):
    campaign, filters = _overview_context(request, campaign_id)
    data = campaign_selectors.overview(
        user=request.user, campaign=campaign, filters=filters, page_number=request.GET.get("page")
    )
    return render(
        request,
        "web/overview.html",
        {
            "campaign": campaign,
            "o": data,
            "query": filters.as_query(),
            "phases": campaign_selectors.phase_names(campaign).items(),
            "can_manage": access.scope_for(request.user).can_manage_campaign(campaign.pk),
        },
    )


@login_required
def campaign_overview_export(request, campaign_id):
    campaign, filters = _overview_context(request, campaign_id)
    words = terms_of(campaign)
    header = ["单位编码", "单位名称", "批次", "当前阶段", words["group"], "党员数", "本阶段开始"]
    rows = campaign_selectors.export_rows(user=request.user, campaign=campaign, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        stream_workbook(words["unit"], header, rows, widths=[16, 30, 10, 16, 14, 8, 12]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"参加单位-{campaign.short_name}-{stamp}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"units-{stamp}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _as_int(value) -> int | None:
    return id_or_none(value)


def _member_filters(params) -> dict:
    """The member-list filters with defaults, so the form can always show them."""
    return {
        "branch": clean_query_text(params.get("branch", "")),
        "category": clean_query_text(params.get("category", "")),
        "q": clean_query_text(params.get("q", ""))[:100],
    }


def _query_without_page(params) -> str:
    """The list filters of the current request, for pager links (which add their own page)."""
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()


@login_required
def unit_detail(request, unit_id):
    unit = access.get_unit_for_user(request.user, unit_id)
    scope = access.scope_for(request.user)
    participations = list(
        campaign_access.visible_participations(request.user)
        .filter(unit=unit)
        .select_related("campaign__template", "batch", "group")
    )
    for p in participations:
        p.phase_name = campaign_selectors.phase_names(p.campaign).get(
            p.current_phase, p.current_phase
        )
        # Unit heads and inspectors see the unit's group by name; its page lists other units.
        p.group_link = p.group_id is not None and (
            scope.is_superuser
            or p.campaign_id in scope.read_all_campaigns
            or p.group_id in scope.groups
        )
        # Records and the requirement report: the unit's own people, its group, the office.
        p.records_link = p.group_link or unit.pk in scope.units
        p.can_apply = unit.pk in scope.units
    # The archive's checklist: one set-based read for the participations the user may see it of.
    archives = archive_selectors.checklists(
        [p for p in participations if archive_permits(request.user, p).may("view")]
    )
    for p in participations:
        p.archive = archives.get(p.pk)
    people = org_selectors.members_of(unit)
    params = _member_filters(request.GET)
    page = org_selectors.member_page(
        unit,
        branch=_as_int(params["branch"]),
        category=params["category"],
        q=params["q"],
        page=request.GET.get("page"),
    )
    tree = org_selectors.subtree_with_counts(unit)
    categories = org_selectors.category_counts(people)
    events = AuditEvent.objects.filter(organisation_id=unit.pk).order_by("-seq")[:20]
    leadership = people.filter(is_leadership=True).select_related("branch").order_by("code")[:30]
    return render(
        request,
        "web/unit.html",
        {
            "unit": unit,
            "participations": participations,
            "tree": tree,
            "page": page,
            "categories": categories,
            "category_choices": PersonCategory.choices,
            "events": events,
            "leadership": leadership,
            "total": sum(n for _l, n in categories),
            "branches": [n for n, _c in tree if n.kind in BRANCH_KINDS],
            "params": params,
            "query": _query_without_page(request.GET),
            "ancestors": Organisation.objects.filter(pk__in=_ancestor_ids(unit)).order_by("depth"),
        },
    )


def _ancestor_ids(org: Organisation) -> list[int]:
    return [int(part) for part in org.path.strip("/").split("/")[:-1] if part]


@login_required
def group_detail(request, group_id):
    group = campaign_access.get_group_for_user(request.user, group_id)
    roster = (
        RoleAssignment.objects.filter(group=group)
        .select_related("user__person__unit")
        .order_by("role", "user__username")
    )
    parts = list(
        Participation.objects.filter(group=group).select_related("batch").order_by("unit_name")
    )
    counts = campaign_selectors.member_counts([p.unit_id for p in parts])
    names = campaign_selectors.phase_names(group.campaign)
    today = timezone.localdate()
    rows = [
        (
            p,
            counts.get(p.unit_id, 0),
            names.get(p.current_phase, p.current_phase),
            (today - p.phase_started_on).days if p.phase_started_on else None,
        )
        for p in parts
    ]
    return render(
        request,
        "web/group.html",
        {"group": group, "roster": roster, "rows": rows, "members_total": sum(counts.values())},
    )


@login_required
def organisation_detail(request, org_id):
    org = access.get_organisation_for_user(request.user, org_id)
    params = _member_filters(request.GET)
    page = org_selectors.member_page(
        org, category=params["category"], q=params["q"], page=request.GET.get("page")
    )
    children = org_selectors.subtree_with_counts(org)
    return render(
        request,
        "web/organisation.html",
        {
            "org": org,
            "page": page,
            "children": children,
            "params": params,
            "query": _query_without_page(request.GET),
            "category_choices": PersonCategory.choices,
        },
    )


@login_required
def person_detail(request, person_id):
    person = access.get_person_for_user(request.user, person_id)
    roles = (
        RoleAssignment.objects.filter(user_id=person.user_id).select_related(
            "campaign", "organisation", "group", "inspection_group"
        )
        if person.user_id
        else []
    )
    return render(request, "web/person.html", {"person": person, "roles": roles})


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """A stale form (expired session, another tab logged out) gets a Chinese explanation."""
    return render(request, template_name, status=403)
