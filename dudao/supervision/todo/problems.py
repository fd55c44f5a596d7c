"""To-do providers for this app's own work: problems found, spot-checks, weekly reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dudao.core.todo import Todo
from dudao.orgs.access import scope_for

from .. import rules
from ..models import CheckResult, Problem, ProblemStatus, ReportStatus, SpotCheck, WeeklyReport
from ._common import _any, _template, _today

# --- this app: problems found, spot-checks, weekly reports --------------------------------------


def problems_q(user):
    scope = scope_for(user)
    parts = []
    if scope.units:
        parts.append(Q(participation__unit_id__in=scope.units, status=ProblemStatus.SENT))
    if scope.groups:
        parts.append(Q(group_id__in=scope.groups, status=ProblemStatus.ANSWERED))
    if scope.led_groups:
        parts.append(Q(group_id__in=scope.led_groups, status=ProblemStatus.DRAFT))
    return Problem.objects.filter(_any(parts))


def problems_items(user):
    today = _today()
    out = []
    for p in problems_q(user).select_related("participation").order_by("deadline")[:100]:
        what = {
            ProblemStatus.SENT: "请答复",
            ProblemStatus.ANSWERED: "单位已答复，请核实",
            ProblemStatus.DRAFT: "待组长签发",
        }[p.status]
        out.append(
            Todo(
                section="督导组发现的问题",
                title=f"{p.participation.unit_name}：{p.description[:40]}（{what}）",
                url_name="supervision:problem",
                url_args=(p.pk,),
                reason=f"退回理由：{p.send_back_reason}"
                if p.send_back_reason and p.status == ProblemStatus.SENT
                else "",
                due=p.deadline,
                light=rules.problem_light(
                    _template(user, p.campaign_id),
                    status=p.status,
                    deadline=p.deadline,
                    today=today,
                ),
            )
        )
    return out


def checks_q(user):
    groups = scope_for(user).groups
    if not groups:
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(group_id__in=groups, result=CheckResult.PENDING)


def checks_items(user):
    return [
        Todo(
            section="待核实的抽查",
            title=f"{c.participation.unit_name}：{c.get_claim_kind_display()}“{c.claim_label}”",
            url_name="supervision:spot_check",
            url_args=(c.pk,),
            since=c.created_at,
        )
        for c in checks_q(user).select_related("participation")[:100]
    ]


def reports_q(user):
    scope = scope_for(user)
    parts = []
    this_week = _today() - dt.timedelta(days=_today().weekday())
    if scope.led_groups:
        parts.append(
            Q(group_id__in=scope.led_groups, status=ReportStatus.DRAFT, week_start__lte=this_week)
        )
    if scope.office_campaigns:
        parts.append(
            Q(
                campaign_id__in=scope.office_campaigns,
                status=ReportStatus.SUBMITTED,
                week_start__gte=this_week - dt.timedelta(days=7),
            )
        )
    return WeeklyReport.objects.filter(_any(parts))


def reports_items(user):
    return [
        Todo(
            section="督导组周报",
            title=f"{r.group.name} {r.week_start:%Y年%m月%d日}起一周周报（{r.get_status_display()}）",
            url_name="supervision:report",
            url_args=(r.pk,),
            since=r.submitted_at or r.compiled_at,
        )
        for r in reports_q(user).select_related("group").order_by("-week_start")[:100]
    ]
