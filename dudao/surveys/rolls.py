"""Survey rolls beyond the members (issue 12 §9; seed 004: "在通报情况的范围内随机抽样").

Where an instrument samples ``within: notified_scope``, the population is the unit's members
(as for every draw, minus the instrument's excluded categories) plus the named lists the office
or the group keeps for the unit: public representatives, service recipients, deputies, others.
Only what a roll needs is kept — the name, the kind, and a phone number masked on import
(``138****5678``: enough to tell two 王芳 apart, not enough to call anyone) — no ID number, no
address. Lists come from Excel (姓名 / 类别 / 手机号, a title row allowed), each bad row named,
nothing written unless every row is right, and rows matched on name, kind and masked phone, so
importing the same list again changes nothing.

Before it draws, the sampler sees the population and its make-up (``makeup``); the draw
(``surveys.actions.draw_sample``) samples members and roll entries together, reproducibly from
the recorded seed, records the drawn entries (``RollSample``) as it records drawn members,
and the audit event carries the make-up. Codes stay unbound to anyone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction

from dudao.core.audit import record_event
from dudao.imports.excel import (
    CellError,
    FileRejected,
    Problem,
    clean_choice,
    clean_text,
    header_row,
    normal_text,
    read_workbook,
)


class RollKind(models.TextChoices):
    PUBLIC_REP = "public_rep", "群众代表"
    SERVICE = "service", "服务对象"
    DEPUTY = "deputy", "代表委员"
    OTHER = "other", "其他"


KIND_WORDS = {label: value for value, label in RollKind.choices} | {
    "群众": RollKind.PUBLIC_REP,
    "居民代表": RollKind.PUBLIC_REP,
    "村民代表": RollKind.PUBLIC_REP,
    "管理服务对象": RollKind.SERVICE,
    "服务对象代表": RollKind.SERVICE,
    "党代表": RollKind.DEPUTY,
    "人大代表": RollKind.DEPUTY,
    "政协委员": RollKind.DEPUTY,
    "两代表一委员": RollKind.DEPUTY,
}
HEADERS = {
    "name": ["姓名", "名字"],
    "kind": ["类别", "人员类别", "身份"],
    "phone": ["手机号", "手机", "联系电话", "电话"],
}


class RollEntry(models.Model):
    """A person on a unit's survey roll who is not one of its members (module docstring)."""

    participation = models.ForeignKey(
        "campaigns.Participation",
        verbose_name="参加单位",
        on_delete=models.CASCADE,
        related_name="survey_roll",
    )
    kind = models.CharField("类别", max_length=16, choices=RollKind.choices)
    name = models.CharField("姓名", max_length=100)
    phone_masked = models.CharField("手机号（隐去中间四位）", max_length=16, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        app_label = "surveys"
        verbose_name = "测评名单人员"
        verbose_name_plural = "测评名单人员"
        ordering = ["participation", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "kind", "name", "phone_masked"], name="survey_roll_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RollSample(models.Model):
    """A roll entry drawn into a round's sample (as ``SampledPerson`` for members)."""

    round = models.ForeignKey(
        "surveys.SurveyRound",
        verbose_name="测评轮次",
        on_delete=models.CASCADE,
        related_name="roll_sample",
    )
    entry = models.ForeignKey(
        RollEntry, verbose_name="名单人员", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "surveys"
        verbose_name = "抽样名单人员"
        verbose_name_plural = "抽样名单人员"
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="roll_sample_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.entry_id}"


def uses_roll(inst: dict) -> bool:
    return (inst.get("sampling") or {}).get("within") == "notified_scope"


def mask_phone(value) -> str:
    """A mainland mobile number kept as 138****5678; anything else is refused."""
    digits = re.sub(r"[\s\-－—]", "", unicodedata.normalize("NFKC", clean_text(value)))
    if digits.startswith("+86"):
        digits = digits[3:]
    if not digits:
        return ""
    if not (digits.isascii() and digits.isdigit() and len(digits) == 11 and digits[0] == "1"):
        raise CellError("手机号应为 11 位数字（可不填）")
    return f"{digits[:3]}****{digits[-4:]}"


def population(participation, inst: dict, members) -> list[tuple[str, int]]:
    """The draw's population in a fixed order: ("p", person id) for the members (``members``,
    the surveys' own population query), then ("r", entry id) for the roll when the instrument
    samples within the notified scope."""
    out = [("p", pk) for pk in members.order_by("pk").values_list("pk", flat=True)]
    if uses_roll(inst):
        out += [
            ("r", pk)
            for pk in RollEntry.objects.filter(participation=participation)
            .order_by("pk")
            .values_list("pk", flat=True)
        ]
    return out


def makeup(participation, inst: dict, members_count: int) -> list[tuple[str, int]]:
    """[(label, count)]: the population's make-up, members first, for the sampler's page and
    the draw's audit event."""
    out = [("本单位人员", members_count)]
    if uses_roll(inst):
        counts = dict(
            RollEntry.objects.filter(participation=participation)
            .values_list("kind")
            .annotate(n=models.Count("pk"))
            .values_list("kind", "n")
        )
        out += [(label, counts[value]) for value, label in RollKind.choices if counts.get(value)]
    return out


@dataclass
class RollImport:
    created: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def summary(self) -> str:
        return f"新增 {self.created} 人，已在名单中 {self.unchanged} 人"


def import_roll(*, actor, participation, data: bytes, may: bool) -> RollImport:
    """A list of public representatives, service recipients, deputies… for the unit's roll
    (module docstring). ``may``: the caller asked ``survey_permits(...).may("sample")``."""
    from dudao.core.errors import AccessDenied

    if not may:
        raise AccessDenied("只有负责抽样的督导组或活动办公室可以维护测评名单。", code="forbidden")
    out = RollImport()
    try:
        sheets, _errors = read_workbook(data)
    except FileRejected as exc:
        out.problems.append(Problem("", 1, "", "", str(exc)))
        return out
    known = [t for ts in HEADERS.values() for t in ts]
    spellings = {normal_text(t): n for n, ts in HEADERS.items() for t in ts}
    found = None
    for sheet, rows in sheets.items():
        head = header_row(rows, known)
        if head is None:
            continue
        cols: dict[str, int] = {}
        for c, value in enumerate(rows[head]):
            n = spellings.get(normal_text(value))
            if n is not None and n not in cols:
                cols[n] = c
        if "name" in cols and "kind" in cols:
            found = (sheet, rows, head, cols)
            break
    if found is None:
        out.problems.append(
            Problem(
                next(iter(sheets), ""),
                1,
                "",
                "",
                "没有找到表头：须有“姓名”“类别”两列，“手机号”可选",
            )
        )
        return out
    sheet, rows, head, cols = found
    header = rows[head]
    parsed: dict[tuple, tuple[int, str]] = {}
    for r in range(head + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1
        if all(clean_text(v) == "" for v in row):
            continue

        def cell(n, row=row):
            c = cols.get(n)
            return row[c] if c is not None and c < len(row) else None

        def err(n, message, excel_row=excel_row, cell=cell):
            column = clean_text(header[cols[n]]) if n in cols else HEADERS[n][0]
            out.problems.append(Problem(sheet, excel_row, column, clean_text(cell(n)), message))

        before = len(out.problems)
        name = clean_text(cell("name"))
        if not name:
            err("name", "请填写姓名")
        elif len(name) > 100:
            err("name", "姓名太长（最多 100 字）")
        kind = None
        try:
            kind = clean_choice(cell("kind"), KIND_WORDS, "类别")
            if kind is None:
                err("kind", "请填写类别（群众代表、服务对象、代表委员或其他）")
        except CellError as exc:
            err("kind", f"{exc}；可填：群众代表、服务对象、代表委员、其他")
        phone = ""
        try:
            phone = mask_phone(cell("phone"))
        except CellError as exc:
            err("phone", str(exc))
        if len(out.problems) > before:
            continue
        key = (kind, normal_text(name), phone)
        if key in parsed:
            err("name", f"与第 {parsed[key][0]} 行是同一人，请删去一行")
            continue
        parsed[key] = (excel_row, name)
    if out.problems:
        return out
    with transaction.atomic():
        existing = {
            (k, normal_text(n), ph)
            for k, n, ph in RollEntry.objects.select_for_update()
            .filter(participation=participation)
            .values_list("kind", "name", "phone_masked")
        }
        new = []
        for key, (_row, name) in parsed.items():
            if key in existing:
                out.unchanged += 1
                continue
            kind, _norm, phone = key
            new.append(
                RollEntry(
                    participation=participation, kind=kind, name=name, phone_masked=phone,
                    created_by=actor,
                )
            )  # fmt: skip
        RollEntry.objects.bulk_create(new)
        out.created = len(new)
        if new:
            record_event(
                actor=actor,
                action="survey.roll.import",
                target=participation,
                campaign_id=participation.campaign_id,
                organisation_id=participation.unit_id,
                data={"created": out.created, "sheet": sheet},
            )
    out.written = True
    return out


@transaction.atomic
def remove_entry(*, actor, participation, entry: RollEntry, may: bool) -> None:
    from dudao.core.errors import AccessDenied, TransitionError

    if not may:
        raise AccessDenied("只有负责抽样的督导组或活动办公室可以维护测评名单。", code="forbidden")
    if RollSample.objects.filter(entry=entry).exists():
        raise TransitionError(f"“{entry.name}”已被抽中，不能从名单中删除。")
    RollEntry.objects.filter(pk=entry.pk, participation=participation).delete()
    record_event(
        actor=actor,
        action="survey.roll.remove",
        target=participation,
        campaign_id=participation.campaign_id,
        organisation_id=participation.unit_id,
        data={"name": entry.name, "kind": entry.kind},
    )
