"""Evaluating a phase's requirements for one unit or for every unit of a campaign.

The engine groups the participations by the phase being evaluated and runs each requirement of
that phase once over all of them: one or two aggregate queries per requirement, then a pass over
the aggregated rows in Python. Nothing here queries per unit or per member, so a city of 10,000
units costs the same number of queries as one unit (bench/requirements.py measures it against a
hand-written SQL aggregate).

Members are loaded once per evaluation (id, name, unit, category, leadership, branch) and shared
by every per-member requirement; active exemptions likewise.

Requirement kinds register their evaluator here (:func:`register_kind`, used by the modules of
``kinds/``); records and documents are read through ``ports`` (the apps that keep them sit above
this one). The engine builds no page links: evidence names its record (``Evidence.target``) and
the view layer turns that into a URL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Q

from dudao.campaigns.models import Campaign, Participation
from dudao.orgs.models import Person

from .ports import evidence_markers, record_reader
from .types import RequirementResult, UnitReport


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    unit_id: int
    category: str
    is_leadership: bool
    branch_id: int


@dataclass(frozen=True)
class Unit:
    participation_id: int
    unit_id: int
    name: str
    phase: str


@dataclass
class Context:
    """What one evaluation shares between requirements (loaded lazily, once)."""

    campaign: Campaign
    template: dict
    detail: bool
    # Every unit of the campaign is evaluated: restrict queries with a subquery on the
    # participation table instead of a list of 10,000 ids. ``forced_phase``: the phase was given
    # by the caller rather than each unit's current phase.
    whole_campaign: bool = False
    forced_phase: str | None = None
    _members: dict[int, list[Member]] | None = None
    names: dict[int, str] | None = None
    # Every unit of this evaluation, whatever its phase: members and exemptions are loaded for
    # all of them at once, the first time a requirement needs them.
    all_units: list[Unit] = field(default_factory=list)
    _exemptions: dict[tuple[int, str, str], dict[int, str]] | None = None

    # --- template ----------------------------------------------------------------------------

    def phase(self, code: str) -> dict | None:
        for phase in self.template.get("phases", []):
            if phase["code"] == code:
                return phase
        return None

    def document_kind(self, code: str) -> dict:
        for kind in self.template.get("document_kinds", []):
            if kind["code"] == code:
                return kind
        return {"code": code, "name": code, "min_review_rounds": 1}

    def instrument(self, code: str) -> dict:
        for inst in self.template.get("survey_instruments", []):
            if inst["code"] == code:
                return inst
        return {"code": code, "name": code, "subject": "unit"}

    def kind_name(self, section: str, code: str) -> str:
        for item in self.template.get(section, []):
            if item["code"] == code:
                return item["name"]
        return code

    def is_session_kind(self, code: str) -> bool:
        return any(k["code"] == code for k in self.template.get("session_kinds", []))

    def pids_q(self, units: list[Unit], field: str = "participation_id") -> Q:
        """Restrict a record query to ``units`` (all evaluated in one phase)."""
        if self.whole_campaign:
            sub = Participation.objects.filter(campaign_id=self.campaign.pk)
            if self.forced_phase is None:
                sub = sub.filter(current_phase=units[0].phase)
            return Q(**{f"{field}__in": sub.values("pk")})
        return Q(**{f"{field}__in": [u.participation_id for u in units]})

    # --- people ------------------------------------------------------------------------------

    def members_of(self, units: Iterable[Unit]) -> dict[int, list[Member]]:
        """Members per unit id, loaded for every unit of the evaluation at once."""
        if self._members is None:
            self._members = defaultdict(list)
            self._load_members(self.all_units or list(units))
        return self._members

    def _load_members(self, units: Iterable[Unit]) -> None:
        # No ORDER BY: sorting 400,000 rows costs more than the fetch; lists are sorted by
        # id below, per unit, which is cheap.
        rows = (
            Person.objects.filter(is_party_member=True)
            .values_list("id", "name", "unit_id", "category", "is_leadership", "branch_id")
            .order_by()
        )
        members = self._members
        if self.whole_campaign:
            units_q = Participation.objects.filter(campaign_id=self.campaign.pk).values("unit_id")
            chunks = rows.filter(unit_id__in=units_q).iterator(chunk_size=10000)
        else:
            chunks = _chunked_in(rows, sorted({u.unit_id for u in units}))
        for row in chunks:
            members[row[2]].append(Member(*row))
        for unit_members in members.values():
            unit_members.sort(key=lambda m: m.id)
        self.names = {m.id: m.name for ms in members.values() for m in ms}

    def exemptions(self, units: list[Unit], phase: str, requirement: str) -> dict[int, dict]:
        """{participation_id: {person_id: reason label}} of active exemptions."""
        if self._exemptions is None:
            self._exemptions = defaultdict(dict)
            reader = record_reader()
            Exemption = reader.exemption
            reasons = reader.exemption_reasons
            # Only exemptions the unit's supervision group confirmed count (issue 10.2).
            rows = Exemption.objects.filter(
                withdrawn_at__isnull=True, status="confirmed"
            ).values_list("participation_id", "phase", "requirement", "person_id", "reason")
            if self.whole_campaign:
                sub = Participation.objects.filter(campaign_id=self.campaign.pk).values("pk")
                chunks = rows.filter(participation_id__in=sub).iterator(chunk_size=10000)
            else:
                pids = [u.participation_id for u in self.all_units or units]
                chunks = _chunked_in(rows, pids, "participation_id")
            for pid, ph, req, person_id, reason in chunks:
                self._exemptions[(pid, ph, req)][person_id] = reasons.get(reason, reason)
        return {
            u.participation_id: self._exemptions.get((u.participation_id, phase, requirement), {})
            for u in units
        }


def _chunked_in(qs, values: list, field_name: str = "unit_id", size: int = 5000):
    """Iterate a queryset restricted to ``field IN values`` in chunks (SQLite caps the number
    of bound parameters; PostgreSQL plans long IN lists badly)."""
    if len(values) <= size:
        yield from qs.filter(**{f"{field_name}__in": values}).iterator(chunk_size=5000)
        return
    for start in range(0, len(values), size):
        part = values[start : start + size]
        yield from qs.filter(**{f"{field_name}__in": part}).iterator(chunk_size=5000)


def phase_requirements(template: dict, phase: str) -> list[dict]:
    for item in template.get("phases", []):
        if item["code"] == phase:
            return list(item.get("requirements", []))
    return []


def _units(campaign: Campaign, participation_ids, phase: str | None) -> list[Unit]:
    qs = Participation.objects.filter(campaign=campaign)
    if participation_ids is not None:
        qs = qs.filter(pk__in=list(participation_ids))
    rows = qs.order_by("pk").values_list("pk", "unit_id", "unit_name", "current_phase")
    return [Unit(pk, unit_id, name, phase or current) for pk, unit_id, name, current in rows]


def evaluate_campaign(
    campaign: Campaign,
    *,
    participation_ids: Iterable[int] | None = None,
    phase: str | None = None,
    only: Iterable[str] | None = None,
    detail: bool = False,
) -> dict[int, UnitReport]:
    """Every (or the named) unit of the campaign against its phase's requirements."""
    units = _units(campaign, participation_ids, phase)
    ctx = Context(
        campaign=campaign,
        template=campaign.template.data,
        detail=detail,
        whole_campaign=participation_ids is None,
        forced_phase=phase,
    )
    return _evaluate(ctx, units, only=set(only) if only is not None else None)


def evaluate_unit(participation: Participation, *, phase: str | None = None) -> UnitReport:
    """One unit, with the evidence behind each requirement."""
    campaign = participation.campaign
    unit = Unit(
        participation.pk,
        participation.unit_id,
        participation.unit_name,
        phase or participation.current_phase,
    )
    ctx = Context(campaign=campaign, template=campaign.template.data, detail=True)
    return _evaluate(ctx, [unit], only=None)[participation.pk]


Results = dict[int, RequirementResult]
Evaluator = Callable[[Context, dict, str, list[Unit]], Results]

# kind code (template_schema.REQUIREMENT_KINDS) → evaluator, filled by the modules of kinds/.
EVALUATORS: dict[str, Evaluator] = {}


def register_kind(code: str) -> Callable[[Evaluator], Evaluator]:
    """Decorator: ``@register_kind("meeting_held")`` makes the function the evaluator of that
    requirement kind. Its signature is ``(ctx, req, phase, units) -> {participation_id: result}``."""

    def decorate(evaluator: Evaluator) -> Evaluator:
        if code in EVALUATORS and EVALUATORS[code] is not evaluator:
            raise ValueError(f"requirement kind {code!r} registered twice")
        EVALUATORS[code] = evaluator
        return evaluator

    return decorate


def make(req: dict, status: str, summary: str, **extra) -> RequirementResult:
    """A result for ``req`` (the requirement as stored in the template)."""
    return RequirementResult(
        code=req["code"],
        name=req["name"],
        kind=req["kind"],
        step=req.get("step"),
        blocking=req.get("blocking", True),
        scope=req.get("scope", "per_unit"),
        status=status,
        summary=summary,
        source=req.get("source", ""),
        **extra,
    )


def _evaluate(ctx: Context, units: list[Unit], *, only: set[str] | None) -> dict[int, UnitReport]:
    ctx.all_units = units
    by_phase: dict[str, list[Unit]] = defaultdict(list)
    reports: dict[int, UnitReport] = {}
    for unit in units:
        phase = ctx.phase(unit.phase)
        reports[unit.participation_id] = UnitReport(
            participation_id=unit.participation_id,
            unit_name=unit.name,
            phase=unit.phase,
            phase_name=phase["name"] if phase else unit.phase,
        )
        by_phase[unit.phase].append(unit)
    for phase_code, phase_units in by_phase.items():
        for req in phase_requirements(ctx.template, phase_code):
            if only is not None and req["code"] not in only:
                continue
            evaluator = EVALUATORS.get(req["kind"])
            if evaluator is None:
                # The schema only admits known kinds; a template stored by an older version of
                # the code may still name one that is gone. Say so rather than pass silently.
                results = {
                    u.participation_id: make(
                        req, "failed", "系统不识别这项要求的类型，请联系管理员"
                    )
                    for u in phase_units
                }
            else:
                results = evaluator(ctx, req, phase_code, phase_units)
            for unit in phase_units:
                reports[unit.participation_id].results.append(results[unit.participation_id])
    if ctx.detail:
        _apply_marks(reports)
    return reports


def _apply_marks(reports: dict[int, UnitReport]) -> None:
    """Evidence markers (``ports.register_evidence_marker``) over a detailed report: one call
    per marker for all its units."""
    for marker in evidence_markers():
        marks = marker(list(reports))
        if not marks:
            continue
        for report in reports.values():
            for result in report.results:
                result.evidence = [
                    replace(e, mark=marks[e.target]) if e.target in marks else e
                    for e in result.evidence
                ]


# Helpers shared by the kind evaluators ---------------------------------------------------------


def counted_members(
    ctx: Context, req: dict, phase: str, units: list[Unit]
) -> tuple[dict[int, list[Member]], dict[int, dict[int, str]]]:
    """Per participation: the members a per-member requirement counts, and those exempted
    (person id → reason). ``applies_to.exclude_categories`` are not counted at all (seed 001:
    retired members skip the test); recorded exemptions remove a member with a reason."""
    applies = req.get("applies_to") or {}
    excluded = set(applies.get("exclude_categories") or [])
    leadership_only = bool(applies.get("leadership_only"))
    members = ctx.members_of(units)
    exemptions = ctx.exemptions(units, phase, req["code"])
    counted: dict[int, list[Member]] = {}
    exempted: dict[int, dict[int, str]] = {}
    for unit in units:
        ex = exemptions.get(unit.participation_id, {})
        keep = []
        gone = {}
        for m in members.get(unit.unit_id, []):
            if m.category in excluded or (leadership_only and not m.is_leadership):
                continue
            if m.id in ex:
                gone[m.id] = ex[m.id]
                continue
            keep.append(m)
        counted[unit.participation_id] = keep
        exempted[unit.participation_id] = gone
    return counted, exempted


def as_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def fraction_text(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def chinese_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""
