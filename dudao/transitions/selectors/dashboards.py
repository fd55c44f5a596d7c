"""The campaign dashboards: units per phase, failing requirements, a group's units, overdue
units, units whose frozen records were corrected after approval."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from dudao.campaigns.models import Campaign, Participation, SupervisionGroup
from dudao.campaigns.requirements import evaluate_campaign

from .. import rules
from ..models import OPEN_STATUSES, ParticipationEnd, RemedialOrder, TransitionApplication
from .schedules import Schedule, _today, schedules

# --- dashboards -----------------------------------------------------------------------------


@dataclass
class PhaseBar:
    code: str
    name: str
    count: int
    percent: float


def units_per_phase(campaign: Campaign) -> list[PhaseBar]:
    """Units per current phase, in template order, plus those who finished. Two queries."""
    template = campaign.template
    counts = dict(
        Participation.objects.filter(campaign=campaign)
        .values_list("current_phase")
        .annotate(n=Count("pk"))
    )
    ended = dict(
        ParticipationEnd.objects.filter(participation__campaign=campaign)
        .values_list("participation__current_phase")
        .annotate(n=Count("pk"))
    )
    bars = []
    for spec in rules.ordered_phases(template):
        n = counts.get(spec["code"], 0) - ended.get(spec["code"], 0)
        bars.append(PhaseBar(spec["code"], spec["name"], n, 0.0))
    bars.append(PhaseBar("", "已结束", sum(ended.values()), 0.0))
    top = max((b.count for b in bars), default=0) or 1
    for b in bars:
        b.percent = round(100 * b.count / top, 1)
    return bars


@dataclass
class FailingRequirement:
    phase: str
    phase_name: str
    code: str
    name: str
    blocking: bool
    units: list = field(default_factory=list)  # (participation_id, unit_name, summary)
    total: int = 0


def failing_by_requirement(campaign: Campaign, reports: dict, limit: int = 30):
    """For each requirement of each phase (template order), the units failing it, from one
    ``evaluate_campaign`` result. Returns (rows, units evaluated per phase)."""
    by_key: dict[tuple[str, str], FailingRequirement] = {}
    evaluated: dict[str, int] = defaultdict(int)
    template = campaign.template
    for spec in rules.ordered_phases(template):
        for req in spec.get("requirements", []):
            by_key[(spec["code"], req["code"])] = FailingRequirement(
                spec["code"],
                spec["name"],
                req["code"],
                req.get("name", req["code"]),
                req.get("blocking", True),
            )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for report in reports.values():
        evaluated[report.phase] += 1
        for r in report.results:
            if r.status == "passed":
                continue
            key = (report.phase, r.code)
            row = by_key.get(key)
            if row is None:
                continue
            counts[key] += 1
            if len(row.units) < limit:
                row.units.append((report.participation_id, report.unit_name, r.summary))
    rows = list(by_key.values())
    for row in rows:
        row.total = counts[(row.phase, row.code)]
    return rows, evaluated


@dataclass
class GroupUnitRow:
    participation: Participation
    schedule: Schedule
    report: object | None
    open_application: TransitionApplication | None
    remedial: RemedialOrder | None


def group_units(group: SupervisionGroup) -> list[GroupUnitRow]:
    """The group's units with readiness and what each lacks: one engine call for all."""
    parts = list(
        Participation.objects.filter(group=group)
        .select_related("campaign__template", "batch")
        .order_by("unit_name")
    )
    if not parts:
        return []
    campaign = parts[0].campaign
    reports = evaluate_campaign(campaign, participation_ids=[p.pk for p in parts])
    sched = schedules(parts)
    ids = [p.pk for p in parts]
    open_apps = {
        a.participation_id: a
        for a in TransitionApplication.objects.filter(
            participation_id__in=ids, status__in=OPEN_STATUSES
        )
    }
    remedials = {
        r.participation_id: r
        for r in RemedialOrder.objects.filter(participation_id__in=ids, closed_at__isnull=True)
    }
    return [
        GroupUnitRow(p, sched[p.pk], reports.get(p.pk), open_apps.get(p.pk), remedials.get(p.pk))
        for p in parts
    ]


def overdue_units(campaign: Campaign, limit: int = 100):
    """Units whose current phase is past its due date. Returns (count, first rows)."""
    parts = list(
        Participation.objects.filter(campaign=campaign)
        .select_related("campaign__template", "batch")
        .order_by("unit_name")
    )
    sched = schedules(parts, campaign=campaign)
    today = _today()
    over = [(p, sched[p.pk]) for p in parts if sched[p.pk].overdue(today)]
    over.sort(key=lambda row: row[1].due_on)
    return len(over), over[:limit]


@dataclass
class CorrectedUnit:
    participation_id: int
    unit_name: str
    phase: str
    phase_name: str
    corrections: list
    still_met: bool
    now_failing: list[str]


def corrections_after_approval(campaign: Campaign, *, limit: int = 50) -> list[CorrectedUnit]:
    """Units whose frozen (approved) records were corrected, newest first, each phase judged
    again on the record as it now stands: one engine call per corrected phase, set-based."""
    from dudao.records.models import RecordCorrection

    rows = list(
        RecordCorrection.objects.filter(participation__campaign=campaign)
        .select_related("created_by", "participation")
        .order_by("-created_at", "-pk")[: limit * 5]
    )
    grouped: dict[tuple[int, str], list] = {}
    for c in rows:
        grouped.setdefault((c.participation_id, c.phase), []).append(c)
    keys = list(grouped)[:limit]
    by_phase: dict[str, list[int]] = defaultdict(list)
    for pid, phase in keys:
        by_phase[phase].append(pid)
    verdicts = {}
    for phase, pids in by_phase.items():
        for pid, report in evaluate_campaign(campaign, participation_ids=pids, phase=phase).items():
            verdicts[(pid, phase)] = report
    out = []
    template = campaign.template
    for pid, phase in keys:
        items = grouped[(pid, phase)]
        report = verdicts.get((pid, phase))
        out.append(
            CorrectedUnit(
                pid,
                items[0].participation.unit_name,
                phase,
                template.phase_name(phase),
                items,
                bool(report and report.ready),
                [r.name for r in report.blocking_failures] if report else [],
            )
        )
    return out
