"""The caller, campaigns and participations, units, supervision groups and people."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from dudao.campaigns import access as campaign_access
from dudao.campaigns import selectors as campaign_selectors
from dudao.core.access import clean_query_text, id_or_none
from dudao.orgs import access
from dudao.orgs.models import Role

from .base import api


class RoleOut(Schema):
    role: str
    label: str
    campaign_id: int | None = None
    organisation_id: int | None = None
    group_id: int | None = None
    inspection_group_id: int | None = None


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    person_id: int | None
    roles: list[RoleOut]


class CampaignOut(Schema):
    id: int
    name: str
    short_name: str
    template: str
    start_date: dt.date
    end_date: dt.date | None
    phases: list[dict]


class ParticipationOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    batch: str
    phase: str
    phase_name: str
    group_id: int | None
    group_name: str | None
    members: int
    phase_started_on: dt.date | None


class ParticipationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ParticipationOut]


class PersonOut(Schema):
    id: int
    code: str
    name: str
    category: str
    cadre_level: str
    is_leadership: bool
    position: str
    branch_id: int
    branch_name: str
    unit_id: int | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    members: int
    participations: list[dict]


class GroupOut(Schema):
    id: int
    code: str
    name: str
    campaign_id: int
    members: list[dict]
    units: list[dict]


@api.get("/me", response=MeOut, summary="当前账号及其角色")
def me(request):
    user = request.user
    roles = [
        RoleOut(
            role=ra.role,
            label=Role(ra.role).label,
            campaign_id=ra.campaign_id,
            organisation_id=ra.organisation_id,
            group_id=ra.group_id,
            inspection_group_id=ra.inspection_group_id,
        )
        for ra in user.role_assignments.all()
    ]
    person = getattr(user, "person", None)
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        is_superuser=user.is_superuser,
        person_id=person.pk if person else None,
        roles=roles,
    )


def _campaign_out(c) -> CampaignOut:
    return CampaignOut(
        id=c.pk,
        name=c.name,
        short_name=c.short_name,
        template=f"{c.template.code}@{c.template.version}",
        start_date=c.start_date,
        end_date=c.end_date,
        phases=[{"code": p["code"], "name": p["name"]} for p in c.template.phases],
    )


@api.get("/campaigns", response=list[CampaignOut], summary="可见的活动")
def campaigns(request):
    return [
        _campaign_out(c)
        for c in campaign_access.visible_campaigns(request.user).select_related("template")
    ]


@api.get("/campaigns/{campaign_id}", response=CampaignOut, summary="一个活动")
def campaign(request, campaign_id: int):
    return _campaign_out(campaign_access.get_campaign_for_user(request.user, campaign_id))


@api.get(
    "/campaigns/{campaign_id}/participations",
    response=ParticipationPage,
    summary="参加单位（与单位总览相同的筛选：batch、phase、group、q、page）",
)
def participations(
    request,
    campaign_id: int,
    batch: int | None = None,
    phase: str = "",
    group: int | None = None,
    q: str = "",
    page: int = 1,
):
    c = campaign_access.get_campaign_for_user(request.user, campaign_id)
    # The same reading of the filters as the page: an id out of range is no filter, a NUL byte
    # (which PostgreSQL refuses) is dropped.
    filters = campaign_selectors.OverviewFilters(
        batch=id_or_none(batch),
        phase=clean_query_text(phase),
        group=id_or_none(group),
        q=clean_query_text(q)[:100],
    )
    data = campaign_selectors.overview(
        user=request.user, campaign=c, filters=filters, page_number=page
    )
    return ParticipationPage(
        count=data.total,
        page=data.page.number,
        pages=data.page.paginator.num_pages,
        results=[
            ParticipationOut(
                id=r.participation.pk,
                unit_id=r.participation.unit_id,
                unit_name=r.participation.unit_name,
                batch=r.participation.batch.name,
                phase=r.participation.current_phase,
                phase_name=r.phase_name,
                group_id=r.participation.group.id if r.participation.group else None,
                group_name=r.participation.group.name if r.participation.group else None,
                members=r.members,
                phase_started_on=r.participation.phase_started_on,
            )
            for r in data.rows
        ],
    )


@api.get("/units/{unit_id}", response=UnitOut, summary="一个单位")
def unit(request, unit_id: int):
    u = access.get_unit_for_user(request.user, unit_id)
    parts = (
        campaign_access.visible_participations(request.user)
        .filter(unit=u)
        .select_related("campaign__template", "batch", "group")
    )
    return UnitOut(
        id=u.pk,
        code=u.code,
        name=u.name,
        parent_id=u.parent_id,
        members=campaign_selectors.member_counts([u.pk]).get(u.pk, 0),
        participations=[
            {
                "campaign_id": p.campaign_id,
                "batch": p.batch.name,
                "phase": p.current_phase,
                "phase_name": campaign_selectors.phase_names(p.campaign).get(p.current_phase, ""),
                "group_id": p.group_id,
            }
            for p in parts
        ],
    )


@api.get("/groups/{group_id}", response=GroupOut, summary="一个督导组")
def group(request, group_id: int):
    g = campaign_access.get_group_for_user(request.user, group_id)
    roster = g.role_assignments.select_related("user").order_by("role", "user__username")
    return GroupOut(
        id=g.pk,
        code=g.code,
        name=g.name,
        campaign_id=g.campaign_id,
        members=[
            {"username": ra.user.username, "name": ra.user.get_full_name(), "role": ra.role}
            for ra in roster
        ],
        units=[
            {"unit_id": p.unit_id, "unit_name": p.unit_name, "phase": p.current_phase}
            for p in g.participations.order_by("unit_name")
        ],
    )


@api.get("/people/{person_id}", response=PersonOut, summary="一名党员")
def person(request, person_id: int):
    p = access.get_person_for_user(request.user, person_id)
    return PersonOut(
        id=p.pk,
        code=p.code,
        name=p.name,
        category=p.category,
        cadre_level=p.cadre_level,
        is_leadership=p.is_leadership,
        position=p.position,
        branch_id=p.branch_id,
        branch_name=p.branch.name,
        unit_id=p.unit_id,
    )
