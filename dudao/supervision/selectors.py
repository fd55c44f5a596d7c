"""Reads of the supervision pages: set-based (one query per list, never one per unit)."""

from __future__ import annotations

from django.db.models import Count, Q

from dudao.campaigns.models import Participation
from dudao.orgs.access import scope_for
from dudao.orgs.models import Person
from dudao.records.models import Meeting, StudySession
from dudao.reviews.models import Document

from . import rules
from .models import (
    OPEN_PROBLEM_STATUSES,
    CheckResult,
    ClaimKind,
    ExperienceStatus,
    SpotCheck,
    TypicalExperience,
)


def workbench_units(user):
    """The units the user's groups supervise (or his inspection group inspects), each with its
    open problems counted in the same query."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    if scope.groups:
        q |= Q(group_id__in=scope.groups)
    for campaign_id, paths in scope.inspection.values():
        for path in paths:
            q |= Q(campaign_id=campaign_id, unit__path__startswith=path)
    if scope.units:
        q |= Q(unit_id__in=scope.units)
    return (
        Participation.objects.filter(q)
        .select_related("group")
        .annotate(
            open_problems=Count(
                "supervision_problems",
                filter=Q(supervision_problems__status__in=OPEN_PROBLEM_STATUSES),
            )
        )
        .order_by("unit_name")[:300]
    )


def with_lights(problems, today, template=None):
    """Each problem's light (``rules.problem_light``, i.e. the rectification light)."""
    for p in problems:
        t = template or p.participation.campaign.template
        p.light_code = rules.problem_light(t, status=p.status, deadline=p.deadline, today=today)
    return problems


def unit_checks(user, participation):
    from .access import visible_spot_checks

    return (
        visible_spot_checks(user)
        .filter(participation=participation)
        .select_related("problem")[:100]
    )


def claim_candidates(participation, kind: str) -> list[tuple[int, str]]:
    """The unit's records of ``kind`` that a spot-check may draw from: ``[(id, label)]``."""
    if kind == ClaimKind.SESSION:
        rows = StudySession.objects.filter(participation=participation).values_list(
            "pk", "date", "topic"
        )
        return [(pk, f"{d:%Y-%m-%d} {t}") for pk, d, t in rows]
    if kind == ClaimKind.MEETING:
        rows = Meeting.objects.filter(participation=participation).values_list(
            "pk", "date", "title"
        )
        return [(pk, f"{d:%Y-%m-%d} {t}") for pk, d, t in rows]
    if kind == ClaimKind.STUDY_NOTE:
        rows = Document.objects.filter(participation=participation, kind="study_note").values_list(
            "pk", "title", "author__name"
        )
        return [(pk, f"{n or ''} {t or '心得体会'}".strip()) for pk, t, n in rows]
    if kind == ClaimKind.HOURS:
        rows = Person.objects.filter(unit_id=participation.unit_id).values_list("pk", "name")
        return [(pk, f"{n}的学习时间") for pk, n in rows]
    return []


def open_marks(participation_ids) -> dict[tuple[int, str, int], SpotCheck]:
    """Claims marked by a discrepancy whose problem is not solved yet, for the given units:
    ``{(participation_id, claim_kind, claim_id): check}``. One query."""
    checks = (
        SpotCheck.objects.filter(
            participation_id__in=list(participation_ids), result=CheckResult.DISCREPANCY
        )
        .exclude(problem__status="solved")
        .select_related("problem")
    )
    return {(c.participation_id, c.claim_kind, c.claim_id): c for c in checks}


# Evidence targets of the requirements engine (Evidence.target) for each claim kind.
_TARGETS = {
    ClaimKind.SESSION: lambda c: ("study_session", c.participation_id, c.claim_id),
    ClaimKind.MEETING: lambda c: ("meeting", c.participation_id, c.claim_id),
    ClaimKind.STUDY_NOTE: lambda c: ("document", c.claim_id),
}


def evidence_marks(participation_ids) -> dict[tuple, str]:
    """The requirements engine's evidence marker: every claim with an unresolved discrepancy
    among these units, as ``{evidence target: mark}``. One query."""
    out = {}
    for check in open_marks(participation_ids).values():
        target = _TARGETS.get(check.claim_kind)
        if target is not None:
            out[target(check)] = f"抽查核实与实际不符（{check.method}），问题尚未解决"
    return out


# --- typical experiences ---------------------------------------------------------------------


def published_experiences(campaign, *, group=None, since=None, until=None, limit=None):
    """The typical experiences the office published in ``campaign`` (what a bulletin picks
    from), newest first; ``group`` narrows to one group's nominations, ``since``/``until``
    (dates, inclusive) to the days they were published. One query, units and groups joined.
    No access check: the caller (the reports app's bulletin) has checked the campaign."""
    qs = TypicalExperience.objects.filter(
        campaign=campaign, status=ExperienceStatus.PUBLISHED
    ).select_related("participation", "group")
    if group is not None:
        qs = qs.filter(group=group)
    if since is not None:
        qs = qs.filter(published_at__date__gte=since)
    if until is not None:
        qs = qs.filter(published_at__date__lte=until)
    qs = qs.order_by("-published_at", "-pk")
    return list(qs[:limit] if limit else qs)


def experience_list(visible, campaign, *, group_id=None, status="", q=""):
    """A campaign's typical experiences from ``visible`` (the user's, from the access layer),
    filtered by group, status and a word in the title or the practice; one query."""
    qs = visible.filter(campaign=campaign).select_related("participation", "group")
    if group_id:
        qs = qs.filter(group_id=group_id)
    if status in ExperienceStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(practice__icontains=q))
    return qs.annotate(attachment_count=Count("attachments")).order_by("-nominated_at", "-pk")[:300]
