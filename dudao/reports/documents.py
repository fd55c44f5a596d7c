"""The documents an office files (issue 14, item 3): the bulletin (简报), a phase summary and
the campaign's final report, in Word (docxtpl, from templates the office can replace) and PDF
(WeasyPrint, for printing).

Bulletin items come from *item sources*, registered by name: ``typical_experiences`` (what
the office published that week, from the supervision app) and ``week_facts`` (the week's
figures), both here. The template's ``reports.bulletin.items`` picks them, in its order.
The issue number is the campaign week (seed 002: the group reports every week), so the same
week's bulletin always carries the same number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from dudao.core.documents import render_docx, render_pdf
from dudao.supervision.selectors import published_experiences

from . import rules
from .selectors import Filters, tally_report

SHIPPED = Path(__file__).resolve().parent / "docx"
KINDS = {"bulletin": "简报", "summary": "阶段小结", "final": "总结报告"}


@dataclass(frozen=True)
class BulletinItem:
    title: str
    text: str
    ref: str = ""  # the record it was taken from (its id), kept with the stored item


BulletinSource = Callable[..., list[BulletinItem]]
_SOURCES: dict[str, BulletinSource] = {}


def register_bulletin_source(name: str, source: BulletinSource) -> None:
    _SOURCES[name] = source


def template_path(kind: str) -> Path:
    override = getattr(settings, "DUDAO_REPORT_TEMPLATE_DIR", "")
    if override and (Path(override) / f"{kind}.docx").is_file():
        return Path(override) / f"{kind}.docx"
    return SHIPPED / f"{kind}.docx"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def week_of(campaign, day: dt.date) -> tuple[int, dt.date, dt.date]:
    start = day - dt.timedelta(days=day.weekday())
    first = campaign.start_date - dt.timedelta(days=campaign.start_date.weekday())
    return max(1, (start - first).days // 7 + 1), start, start + dt.timedelta(days=6)


def _figure_rows(report) -> list[dict]:
    return [
        {
            "section": f.section,
            "label": f.label,
            "value": "—" if report.values.get(f.code) is None else report.values[f.code],
            "unit": f.unit_of_measure,
        }
        for f in report.figures
    ]


def week_facts(*, user, campaign, start: dt.date, end: dt.date) -> list[BulletinItem]:
    """The week's facts: every non-zero figure of the week, one sentence per section. Totals
    only (counted grouped by group and batch, as the campaign page counts them): a city's
    bulletin needs no row per unit."""
    report = tally_report(
        user=user, campaign=campaign, filters=Filters(date_from=start, date_to=end), per_unit=False
    )
    by_section: dict[str, list[str]] = {}
    for f in report.figures:
        value = report.values.get(f.code)
        if value:
            by_section.setdefault(f.section, []).append(f"{f.label}{value}{f.unit_of_measure}")
    items = [
        BulletinItem(
            f"{section}情况",
            f"本周（{cn_date(start)}至{cn_date(end)}），" + "，".join(parts) + "。",
        )
        for section, parts in by_section.items()
    ]
    if not items:
        items.append(
            BulletinItem(
                "本周情况", f"本周（{cn_date(start)}至{cn_date(end)}）各单位尚未登记新的记录。"
            )
        )
    return items


register_bulletin_source("week_facts", week_facts)


def typical_experiences(*, user, campaign, start: dt.date, end: dt.date) -> list[BulletinItem]:
    """The typical experiences the office published in the week, oldest first: the unit and
    the title, then the practice (the office edits the text in the draft)."""
    found = published_experiences(campaign, since=start, until=end)
    return [
        BulletinItem(
            f"{e.participation.unit_name}：{e.title}",
            e.practice + (f"\n{e.evidence}" if e.evidence else ""),
            ref=str(e.pk),
        )
        for e in reversed(found)
    ]


register_bulletin_source("typical_experiences", typical_experiences)


def bulletin_items(
    *, user, campaign, start: dt.date, end: dt.date
) -> list[tuple[str, BulletinItem]]:
    """(source name, item) of every item source the template's bulletin names, in its order."""
    spec = rules.bulletin_spec(campaign.template.data)
    out = []
    for name in spec["items"]:
        source = _SOURCES.get(name)
        if source is not None:
            out.extend(
                (name, i) for i in source(user=user, campaign=campaign, start=start, end=end)
            )
    return out


def stored_bulletin_context(bulletin) -> dict:
    """The print context of a stored bulletin, from its stored content only."""
    return {
        "campaign": str(bulletin.campaign),
        "campaign_full": bulletin.campaign.name,
        "sponsor": bulletin.sponsor,
        "date": cn_date(bulletin.issued_on),
        "kind": KINDS["bulletin"],
        "masthead": bulletin.masthead,
        "issue": f"第{bulletin.number}期",
        "title": f"{bulletin.masthead}（第{bulletin.number}期）",
        "items": [{"title": i.title, "text": i.text} for i in bulletin.items.all()],
    }


def context(kind: str, *, user, campaign, day: dt.date, phase: str = "") -> dict:
    spec = rules.bulletin_spec(campaign.template.data)
    base = {
        "campaign": str(campaign),
        "campaign_full": campaign.name,
        "sponsor": spec["sponsor"],
        "date": cn_date(day),
        "kind": KINDS[kind],
    }
    if kind == "bulletin":
        number, start, end = week_of(campaign, day)
        items = [i for _s, i in bulletin_items(user=user, campaign=campaign, start=start, end=end)]
        return {
            **base,
            "masthead": spec["masthead"],
            "issue": f"第{number}期",
            "title": f"{spec['masthead']}（第{number}期）",
            "items": [{"title": i.title, "text": i.text} for i in items],
        }
    filters = Filters(phase=phase) if kind == "summary" else Filters()
    report = tally_report(user=user, campaign=campaign, filters=filters)
    phase_name = campaign.template.phase_name(phase) if phase else ""
    title = f"{campaign}{phase_name}阶段小结" if kind == "summary" else f"{campaign}总结报告"
    in_phase = sum(1 for u in report.units if not phase or u.current_phase == phase)
    groups = []
    for gid, name in sorted(report.groups.items(), key=lambda g: g[1]):
        n = sum(1 for u in report.units if u.group_id == gid)
        if n:
            groups.append({"name": name, "units": n})
    return {
        **base,
        "title": title,
        "phase": phase_name,
        "units": len(report.units),
        "units_in_phase": in_phase,
        "figures": _figure_rows(report),
        "groups": groups,
        "intro": (
            f"截至{cn_date(day)}，{campaign}共有参加单位{len(report.units)}个"
            + (f"，其中处于{phase_name}阶段的{in_phase}个" if phase else "")
            + f"，分{len(groups)}个督导组督导。主要数据如下。"
        ),
    }


def docx_bytes(kind: str, ctx: dict) -> bytes:
    return render_docx(template_path(kind), ctx)


def pdf_bytes(kind: str, ctx: dict) -> bytes:
    html = render_to_string(f"reports/print/{kind}.html", ctx)
    return render_pdf(html)
