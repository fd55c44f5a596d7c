"""Set-based reads of the archive: the completeness checklist of one or many units.

``checklists(participations)`` answers every unit's lines in a fixed number of queries (one per
kind of evidence the template's checklist names, whatever the number of units).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from dudao.records.registry import get_kind
from dudao.rectification.models import DONE_STATUSES, Item
from dudao.reviews.models import Document, DocumentStatus
from dudao.surveys.models import RoundStatus, SurveyRound
from dudao.transitions.models import ApplicationStatus, TransitionApplication

from . import rules
from .models import ArchiveExport


@dataclass(frozen=True)
class LineState:
    line: rules.ArchiveLine
    have: int
    required: int
    ok: bool
    phase_name: str
    missing: str  # what is missing, in Chinese ("" when complete)

    @property
    def kind_label(self) -> str:
        return rules.KIND_LABELS.get(self.line.kind, "")


@dataclass(frozen=True)
class Checklist:
    participation_id: int
    lines: list[LineState]
    source: str

    @property
    def complete(self) -> bool:
        return all(s.ok for s in self.lines)

    @property
    def missing(self) -> list[LineState]:
        return [s for s in self.lines if not s.ok]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.lines if s.ok)


def _by_unit(rows, *keys) -> dict[int, dict]:
    """{participation id: {(key values…): n}}: indexed by unit so that reading one unit's lines
    does not scan the other units' rows (linear in the units, not quadratic)."""
    out: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        out[row["participation_id"]][tuple(row[k] for k in keys)] += row["n"]
    return out


@dataclass
class _Evidence:
    docs: dict
    decisions: dict
    surveys: dict
    records: dict[str, dict]
    items_all: dict
    items_done: dict


_EMPTY: dict = {}


def _evidence(ids, line_sets) -> _Evidence:
    """One grouped query per kind of evidence the lines name, for all the units at once.
    ``ids`` is a list of ids or a queryset of participations (a subquery: no id list sent)."""
    kinds = {line.kind for lines in line_sets for line in lines}
    record_kinds = {
        line.record_kind for lines in line_sets for line in lines if line.kind == "records"
    }
    ev = _Evidence({}, {}, {}, {}, {}, {})
    if "documents" in kinds:
        ev.docs = _by_unit(
            Document.objects.filter(participation_id__in=ids, status=DocumentStatus.APPROVED)
            .values("participation_id", "kind", "phase")
            .annotate(n=Count("pk"))
            .order_by(),
            "kind",
            "phase",
        )
    if "decisions" in kinds:
        ev.decisions = _by_unit(
            TransitionApplication.objects.filter(
                participation_id__in=ids, status=ApplicationStatus.APPROVED
            )
            .values("participation_id", "from_phase")
            .annotate(n=Count("pk"))
            .order_by(),
            "from_phase",
        )
    if "surveys" in kinds:
        ev.surveys = _by_unit(
            SurveyRound.objects.filter(participation_id__in=ids, status=RoundStatus.CLOSED)
            .values("participation_id", "instrument")
            .annotate(n=Count("pk"))
            .order_by(),
            "instrument",
        )
    for slug in sorted(record_kinds):
        model = get_kind(slug).model
        ev.records[slug] = _by_unit(
            model.objects.filter(participation_id__in=ids)
            .values("participation_id", "phase")
            .annotate(n=Count("pk"))
            .order_by(),
            "phase",
        )
    if "rectification" in kinds:
        rows = list(
            Item.objects.filter(participation_id__in=ids)
            .values("participation_id", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        ev.items_all = _by_unit(rows)
        ev.items_done = _by_unit([r for r in rows if r["status"] in DONE_STATUSES])
    return ev


def _states(pid: int, lines, phases: dict[str, str], ev: _Evidence) -> list[LineState]:
    def phase_sum(table: dict, key: str, phase: str) -> int:
        return sum(
            n
            for (k, ph), n in table.get(pid, _EMPTY).items()
            if k == key and (not phase or ph == phase)
        )

    states = []
    for line in lines:
        required = line.min_count
        extra = ""
        if line.kind == "documents":
            have = phase_sum(ev.docs, line.document_kind, line.phase)
        elif line.kind == "records":
            table = ev.records.get(line.record_kind, _EMPTY).get(pid, _EMPTY)
            have = sum(n for (ph,), n in table.items() if not line.phase or ph == line.phase)
        elif line.kind == "surveys":
            have = sum(
                n
                for (inst,), n in ev.surveys.get(pid, _EMPTY).items()
                if not line.instrument or inst == line.instrument
            )
        elif line.kind == "decisions":
            have = sum(
                n
                for (ph,), n in ev.decisions.get(pid, _EMPTY).items()
                if not line.phase or ph == line.phase
            )
        else:  # rectification
            have = ev.items_all.get(pid, _EMPTY).get((), 0)
            open_items = have - ev.items_done.get(pid, _EMPTY).get((), 0)
            if line.all_closed and open_items:
                extra = f"尚有 {open_items} 项整改事项未办结"
        ok = have >= required and not extra
        missing = ""
        if have < required:
            missing = f"应有 {required} 项，现有 {have} 项，缺 {required - have} 项"
        if extra:
            missing = f"{missing}；{extra}" if missing else extra
        states.append(
            LineState(
                line=line,
                have=have,
                required=required,
                ok=ok,
                phase_name=phases.get(line.phase, "") if line.phase else "全程",
                missing=missing,
            )
        )
    return states


def checklists(participations) -> dict[int, Checklist]:
    """Each participation's checklist; participations of several campaigns may be mixed."""
    parts = list(participations)
    if not parts:
        return {}
    lines_by_template: dict[int, list[rules.ArchiveLine]] = {}
    for p in parts:
        template = p.campaign.template
        if template.pk not in lines_by_template:
            lines_by_template[template.pk] = rules.lines_of(template)
    ev = _evidence([p.pk for p in parts], lines_by_template.values())
    out: dict[int, Checklist] = {}
    for p in parts:
        template = p.campaign.template
        states = _states(p.pk, lines_by_template[template.pk], rules.phase_names(template), ev)
        out[p.pk] = Checklist(p.pk, states, rules.source_of(template))
    return out


def _count(qs, n: int):
    """The condition "at least ``n`` rows of ``qs`` for the outer unit", as a SQL expression
    (EXISTS for one, a correlated count otherwise)."""
    qs = qs.filter(participation_id=OuterRef("pk")).order_by()
    if n <= 1:
        return Exists(qs)
    counted = qs.values("participation_id").annotate(c=Count("pk")).values("c")
    return GreaterThanOrEqual(Coalesce(Subquery(counted), 0), n)


def _line_condition(line: rules.ArchiveLine):
    """One checklist line as a condition on a participation row (None: always met). The same
    rule as ``_states``, in SQL; tests/test_it_counts_complete_archives_in_sql.py holds them
    equal."""
    if line.kind == "rectification":
        conditions = []
        if line.all_closed:
            open_items = Item.objects.filter(participation_id=OuterRef("pk")).exclude(
                status__in=DONE_STATUSES
            )
            conditions.append(~Exists(open_items))
        if line.min_count > 0:
            conditions.append(_count(Item.objects.all(), line.min_count))
        return conditions
    if line.min_count <= 0:
        return []
    if line.kind == "documents":
        qs = Document.objects.filter(status=DocumentStatus.APPROVED, kind=line.document_kind)
        if line.phase:
            qs = qs.filter(phase=line.phase)
    elif line.kind == "records":
        qs = get_kind(line.record_kind).model.objects.all()
        if line.phase:
            qs = qs.filter(phase=line.phase)
    elif line.kind == "surveys":
        qs = SurveyRound.objects.filter(status=RoundStatus.CLOSED)
        if line.instrument:
            qs = qs.filter(instrument=line.instrument)
    else:  # decisions
        qs = TransitionApplication.objects.filter(status=ApplicationStatus.APPROVED)
        if line.phase:
            qs = qs.filter(from_phase=line.phase)
    return [_count(qs, line.min_count)]


def complete_only(participations, template):
    """``participations`` (a queryset of units of campaigns on ``template``) narrowed to those
    whose archive is complete: the reports' "archives complete" figure. One query, whatever the
    number of units — each line of the checklist is an EXISTS or a correlated count on the
    evidence tables' (participation, …) indexes, so nothing is read into Python."""
    conditions = [c for line in rules.lines_of(template) for c in _line_condition(line)]
    # One filter() of every condition: filtering once per line clones the growing query (and
    # its subqueries) each time, which cost ≈ 0.2 s of Python at the campaign page.
    return participations.filter(*conditions) if conditions else participations


def complete_units(participations, template) -> list[int]:
    return list(complete_only(participations, template).values_list("pk", flat=True))


def checklist(participation) -> Checklist:
    return checklists([participation])[participation.pk]


def exports_of(participation, limit: int = 10) -> list[ArchiveExport]:
    return list(
        ArchiveExport.objects.filter(participation=participation)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:limit]
    )
