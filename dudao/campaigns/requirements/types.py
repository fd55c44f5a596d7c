"""What the requirements engine answers: per unit and phase, each requirement passed or failed,
with the evidence (which records satisfy it) and the shortfalls (which members, branches or
sessions fall short, and by how much)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Status = Literal["passed", "failed", "pending"]

STATUS_LABELS = {"passed": "达到", "failed": "未达到", "pending": "待测评"}


def tidy_decimal(value: Decimal) -> Decimal:
    """12.0 → 12, 44.50 → 44.5, 40 stays 40 (not 4E+1)."""
    return Decimal(format(value.normalize(), "f"))


@dataclass(frozen=True)
class Shortfall:
    """One member (or branch, session, document) falling short of a requirement."""

    key: int | str
    label: str
    have: Decimal | int | str = 0
    need: Decimal | int | str = 0
    note: str = ""

    def __post_init__(self) -> None:
        # Sums of hours come back as Decimal("12") from SQLite and Decimal("12.0") from
        # PostgreSQL; show both as "12" (and 44.5 as "44.5") whatever the database.
        for name in ("have", "need"):
            value = getattr(self, name)
            if isinstance(value, Decimal):
                object.__setattr__(self, name, tidy_decimal(value))

    @property
    def short(self) -> Decimal | int | str:
        if isinstance(self.have, Decimal | int) and isinstance(self.need, Decimal | int):
            return self.need - self.have
        return ""


@dataclass(frozen=True)
class Evidence:
    """A record that counts towards a requirement."""

    label: str
    date: dt.date | None = None
    # What the record is, for the view layer to link: ("study_session", participation_id, pk),
    # ("meeting", participation_id, pk), ("document", pk). Empty: no page to link to.
    target: tuple = ()
    # A link a port supplied ready-made (survey rounds).
    url: str = ""
    # A doubt an evidence marker attached (ports.register_evidence_marker): a spot-check found
    # the record did not match what happened; shown beside the evidence until resolved.
    mark: str = ""


@dataclass(frozen=True)
class Exempted:
    person_id: int
    label: str
    reason: str


@dataclass
class RequirementResult:
    code: str
    name: str
    kind: str
    step: str | None
    blocking: bool
    scope: str
    status: Status
    summary: str  # one line in Chinese: "应参加 28 人，实参加 28 人"
    shortfalls: list[Shortfall] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    exempted: list[Exempted] = field(default_factory=list)
    source: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def status_label(self) -> str:
        if self.status == "failed" and not self.blocking:
            return "提醒"
        return STATUS_LABELS[self.status]


@dataclass
class UnitReport:
    participation_id: int
    unit_name: str
    phase: str
    phase_name: str
    results: list[RequirementResult] = field(default_factory=list)

    @property
    def blocking_failures(self) -> list[RequirementResult]:
        return [r for r in self.results if r.blocking and r.status != "passed"]

    @property
    def warnings(self) -> list[RequirementResult]:
        return [r for r in self.results if not r.blocking and r.status != "passed"]

    @property
    def ready(self) -> bool:
        """Every blocking requirement met: the unit may apply and the group may forward."""
        return not self.blocking_failures

    def result(self, code: str) -> RequirementResult:
        for r in self.results:
            if r.code == code:
                return r
        raise KeyError(code)

    def as_snapshot(self) -> dict:
        """A JSON-able copy kept with a transition decision (the archive shows what the group
        saw when it decided, even if records change later)."""
        return {
            "phase": self.phase,
            "phase_name": self.phase_name,
            "ready": self.ready,
            "results": [
                {
                    "code": r.code,
                    "name": r.name,
                    "blocking": r.blocking,
                    "status": r.status,
                    "summary": r.summary,
                    "shortfalls": [
                        {
                            "label": s.label,
                            "have": str(s.have),
                            "need": str(s.need),
                            "short": str(s.short),
                            "note": s.note,
                        }
                        for s in r.shortfalls[:200]
                    ],
                }
                for r in self.results
            ],
        }
