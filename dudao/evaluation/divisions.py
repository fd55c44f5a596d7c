"""A unit's divisions (内设机构) with their heads and the team member in charge of each: what the
四必谈 pair "班子成员与分管部门负责人" (seed 002) needs and the organisation tree does not hold.

Entered on the unit's page (one division at a time) or imported from the list offices keep
(内设机构 / 负责人 / 分管班子成员, a title row above the header allowed). People are named by
name and must be people of the unit (the one in charge a leadership-team member); each bad row
is named with its row, column and what to do, nothing is written unless every row is right,
and a division is matched on its name, so importing the same file again changes nothing.
Writes are the unit's (head or liaison): ``division_permits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from dudao.core.audit import record_event
from dudao.core.errors import ConflictError, DomainError
from dudao.core.permissions import Permits, allow, refuse
from dudao.imports.excel import (
    FileRejected,
    Problem,
    clean_text,
    header_row,
    normal_text,
    read_workbook,
)
from dudao.orgs.models import Person

from .access import UNIT, participation_caps
from .models import Division

HEADERS: dict[str, list[str]] = {
    "name": ["内设机构", "内设机构名称", "部门", "科室", "处室", "机构名称"],
    "head": ["负责人", "部门负责人", "科室负责人", "主要负责人"],
    "in_charge": ["分管班子成员", "分管领导", "分管负责人"],
}


def division_permits(user, participation) -> Permits:
    """One answer for the page's forms and the actions: only the unit (head or liaison)
    enters its divisions."""
    permits = Permits()
    ok = UNIT in participation_caps(user, participation)
    for action in ("edit", "import"):
        permits.add(
            allow(action)
            if ok
            else refuse(action, "只有本单位（主要负责人或联络员）可以维护内设机构。")
        )
    return permits


def divisions_of(unit_ids) -> list[Division]:
    return list(
        Division.objects.filter(unit_id__in=list(unit_ids))
        .select_related("head", "in_charge")
        .order_by("unit_id", "name", "pk")
    )


def unit_people(unit_id: int) -> tuple[dict[str, list[Person]], set[int]]:
    """{normalised name: [people]} of the unit, and the ids of its leadership team."""
    people: dict[str, list[Person]] = {}
    team = set()
    for person in Person.objects.filter(unit_id=unit_id).only("pk", "name", "is_leadership"):
        people.setdefault(normal_text(person.name), []).append(person)
        if person.is_leadership:
            team.add(person.pk)
    return people, team


def _check(name: str, head, in_charge, team: set[int]) -> list[tuple[str, str]]:
    problems = []
    if not name:
        problems.append(("name", "请填写内设机构名称"))
    elif len(name) > 100:
        problems.append(("name", "内设机构名称太长（最多 100 字）"))
    if in_charge is not None and in_charge.pk not in team:
        problems.append(
            ("in_charge", f"“{in_charge.name}”不是本单位班子成员：请先在人员名单中标明班子成员")
        )
    return problems


def _audit(actor, action, target, participation, data):
    record_event(
        actor=actor,
        action=action,
        target=target,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data=data,
    )


def _person_of_unit(participation, person_id, what: str):
    if person_id in (None, ""):
        return None
    person = Person.objects.filter(pk=person_id, unit_id=participation.unit_id).first()
    if person is None:
        raise DomainError(f"请从本单位人员中选择{what}。")
    return person


@transaction.atomic
def save_division(
    *,
    actor,
    participation,
    name: str,
    head_id=None,
    in_charge_id=None,
    division: Division | None = None,
    expected_version=None,
) -> Division:
    """Add a division, or change one (``division``; a stale form is refused)."""
    division_permits(actor, participation).require("edit")
    name = clean_text(name)
    head = _person_of_unit(participation, head_id, "负责人")
    in_charge = _person_of_unit(participation, in_charge_id, "分管班子成员")
    _people, team = unit_people(participation.unit_id)
    problems = _check(name, head, in_charge, team)
    if problems:
        raise DomainError("；".join(m for _c, m in problems) + "。")
    clash = Division.objects.filter(unit_id=participation.unit_id, name=name)
    if division is not None:
        division = Division.objects.select_for_update().get(
            pk=division.pk, unit_id=participation.unit_id
        )
        if expected_version is not None and str(expected_version) != str(division.version):
            raise ConflictError(
                f"“{division.name}”已被他人修改：请刷新页面后再操作。", code="stale"
            )
        clash = clash.exclude(pk=division.pk)
    if clash.exists():
        raise DomainError(f"本单位已有名为“{name}”的内设机构。")
    values = {"name": name, "head": head, "in_charge": in_charge}
    data = {
        "name": name,
        "head": head.name if head else "",
        "in_charge": in_charge.name if in_charge else "",
    }
    if division is None:
        division = Division.objects.create(unit_id=participation.unit_id, **values)
        _audit(actor, "evaluation.division.create", division, participation, data)
        return division
    if all(getattr(division, k) == v for k, v in values.items()):
        return division  # a double submit changes nothing
    for k, v in values.items():
        setattr(division, k, v)
    division.version += 1
    division.save()
    _audit(actor, "evaluation.division.change", division, participation, data)
    return division


@transaction.atomic
def delete_division(*, actor, participation, division: Division) -> None:
    division_permits(actor, participation).require("edit")
    deleted, _ = Division.objects.filter(pk=division.pk, unit_id=participation.unit_id).delete()
    if deleted:
        _audit(
            actor, "evaluation.division.delete", division, participation, {"name": division.name}
        )


@dataclass
class DivisionImport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def summary(self) -> str:
        return f"新增 {self.created} 个，修改 {self.changed} 个，未变 {self.unchanged} 个"


def import_divisions(*, actor, participation, data: bytes) -> DivisionImport:
    """The unit's list of divisions from Excel (module docstring)."""
    division_permits(actor, participation).require("import")
    out = DivisionImport()
    try:
        sheets, _errors = read_workbook(data)
    except FileRejected as exc:
        out.problems.append(Problem("", 1, "", "", str(exc)))
        return out
    known = [t for ts in HEADERS.values() for t in ts]
    found = None
    for sheet, rows in sheets.items():
        head = header_row(rows, known)
        if head is None:
            continue
        spellings = {normal_text(t): n for n, ts in HEADERS.items() for t in ts}
        cols: dict[str, int] = {}
        for c, value in enumerate(rows[head]):
            n = spellings.get(normal_text(value))
            if n is not None and n not in cols:
                cols[n] = c
        if "name" in cols and ("head" in cols or "in_charge" in cols):
            found = (sheet, rows, head, cols)
            break
    if found is None:
        out.problems.append(
            Problem(
                next(iter(sheets), ""), 1, "", "",
                "没有找到表头：须有“内设机构”和“负责人”“分管班子成员”列（顺序不限）",
            )
        )  # fmt: skip
        return out
    sheet, rows, head, cols = found
    header = rows[head]
    people, team = unit_people(participation.unit_id)
    parsed: dict[str, tuple[int, object, object]] = {}
    seen: dict[str, int] = {}
    for r in range(head + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1
        if all(clean_text(v) == "" for v in row):
            continue

        def cell(n, row=row):
            c = cols.get(n)
            return clean_text(row[c]) if c is not None and c < len(row) else ""

        def err(n, message, excel_row=excel_row, cell=cell):
            column = clean_text(header[cols[n]]) if n in cols else HEADERS[n][0]
            out.problems.append(Problem(sheet, excel_row, column, cell(n), message))

        before = len(out.problems)
        name = cell("name")
        chosen = {}
        for n in ("head", "in_charge"):
            text = cell(n)
            chosen[n] = None
            if not text:
                continue
            matches = people.get(normal_text(text), [])
            if not matches:
                err(n, f"本单位人员名单中没有“{text}”：请核对姓名，或先把此人加入名单")
            elif len(matches) > 1:
                err(n, f"本单位有 {len(matches)} 名“{text}”：请在页面上逐个选择")
            else:
                chosen[n] = matches[0]
        for n, message in _check(name, chosen["head"], chosen["in_charge"], team):
            err(n, message)
        key = normal_text(name)
        if name and key in seen:
            err("name", f"与第 {seen[key]} 行内设机构重复：每个内设机构只写一行")
        if len(out.problems) == before:
            seen[key] = excel_row
            parsed[name] = (excel_row, chosen["head"], chosen["in_charge"])
    if out.problems:
        return out
    with transaction.atomic():
        existing = {
            d.name: d
            for d in Division.objects.select_for_update().filter(unit_id=participation.unit_id)
        }
        for name, (_row, head_p, charge_p) in parsed.items():
            d = existing.get(name)
            if d is None:
                Division.objects.create(
                    unit_id=participation.unit_id, name=name, head=head_p, in_charge=charge_p
                )
                out.created += 1
            elif d.head_id != (head_p.pk if head_p else None) or d.in_charge_id != (
                charge_p.pk if charge_p else None
            ):
                d.head, d.in_charge, d.version = head_p, charge_p, d.version + 1
                d.save(update_fields=["head", "in_charge", "version"])
                out.changed += 1
            else:
                out.unchanged += 1
        if out.created or out.changed:
            _audit(
                actor, "evaluation.division.import", participation, participation,
                {"created": out.created, "changed": out.changed, "sheet": sheet},
            )  # fmt: skip
    out.written = True
    return out
