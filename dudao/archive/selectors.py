"""Set-based reads of the archive: the completeness checklist of one or many units.

``checklists(participations)`` answers every unit's lines in a fixed number of queries (one per
kind of evidence the template's checklist names, whatever the number of units).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

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


def _by_key(rows, *keys) -> dict:
    out: dict = defaultdict(int)
    for row in rows:
        out[tuple(row[k] for k in keys)] += row["n"]
    return out


def checklists(participations) -> dict[int, Checklist]:
    """Each participation's checklist; participations of several campaigns may be mixed."""
    parts = list(participations)
    if not parts:
        return {}
    ids = [p.pk for p in parts]
    lines_by_template: dict[int, list[rules.ArchiveLine]] = {}
    for p in parts:
        template = p.campaign.template
        if template.pk not in lines_by_template:
            lines_by_template[template.pk] = rules.lines_of(template)
    kinds = {line.kind for lines in lines_by_template.values() for line in lines}
    record_kinds = {
        line.record_kind
        for lines in lines_by_template.values()
        for line in lines
        if line.kind == "records"
    }

    docs = decisions = surveys = {}
    if "documents" in kinds:
        docs = _by_key(
            Document.objects.filter(participation_id__in=ids, status=DocumentStatus.APPROVED)
            .values("participation_id", "kind", "phase")
            .annotate(n=Count("pk")),
            "participation_id",
            "kind",
            "phase",
        )
    if "decisions" in kinds:
        decisions = _by_key(
            TransitionApplication.objects.filter(
                participation_id__in=ids, status=ApplicationStatus.APPROVED
            )
            .values("participation_id", "from_phase")
            .annotate(n=Count("pk")),
            "participation_id",
            "from_phase",
        )
    if "surveys" in kinds:
        surveys = _by_key(
            SurveyRound.objects.filter(participation_id__in=ids, status=RoundStatus.CLOSED)
            .values("participation_id", "instrument")
            .annotate(n=Count("pk")),
            "participation_id",
            "instrument",
        )
    records: dict[str, dict] = {}
    for slug in sorted(record_kinds):
        model = get_kind(slug).model
        records[slug] = _by_key(
            model.objects.filter(participation_id__in=ids)
            .values("participation_id", "phase")
            .annotate(n=Count("pk")),
            "participation_id",
            "phase",
        )
    items_all = items_done = {}
    if "rectification" in kinds:
        rows = list(
            Item.objects.filter(participation_id__in=ids)
            .values("participation_id", "status")
            .annotate(n=Count("pk"))
        )
        items_all = _by_key(rows, "participation_id")
        items_done = _by_key([r for r in rows if r["status"] in DONE_STATUSES], "participation_id")

    def phase_sum(table: dict, pid: int, key: str, phase: str) -> int:
        return sum(
            n
            for (p, k, ph), n in table.items()
            if p == pid and k == key and (not phase or ph == phase)
        )

    def record_sum(table: dict, pid: int, phase: str) -> int:
        return sum(n for (p, ph), n in table.items() if p == pid and (not phase or ph == phase))

    out: dict[int, Checklist] = {}
    for p in parts:
        template = p.campaign.template
        phases = rules.phase_names(template)
        states = []
        for line in lines_by_template[template.pk]:
            required = line.min_count
            extra = ""
            if line.kind == "documents":
                have = phase_sum(docs, p.pk, line.document_kind, line.phase)
            elif line.kind == "records":
                have = record_sum(records.get(line.record_kind, {}), p.pk, line.phase)
            elif line.kind == "surveys":
                have = sum(
                    n
                    for (pid, inst), n in surveys.items()
                    if pid == p.pk and (not line.instrument or inst == line.instrument)
                )
            elif line.kind == "decisions":
                have = sum(
                    n
                    for (pid, ph), n in decisions.items()
                    if pid == p.pk and (not line.phase or ph == line.phase)
                )
            else:  # rectification
                have = items_all.get((p.pk,), 0)
                open_items = have - items_done.get((p.pk,), 0)
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
        out[p.pk] = Checklist(p.pk, states, rules.source_of(template))
    return out


def checklist(participation) -> Checklist:
    return checklists([participation])[participation.pk]


def exports_of(participation, limit: int = 10) -> list[ArchiveExport]:
    return list(
        ArchiveExport.objects.filter(participation=participation)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:limit]
    )
