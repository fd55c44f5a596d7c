"""How the campaign's tally table is cut into sheets that print at full size.

Thirty figures beside the unit, batch and group columns are three times wider than a landscape
A4 page: printed on one page wide they come out at a third of their size. So the export's
first sheet keeps every figure (for work in Excel) and the sheets after it carry the figures
section by section (学习教育, 整改落实, …): neighbouring sections share a sheet while they fit
the page, and a section wider than a page goes on as many sheets as it needs, the later ones
named "（续）". Column widths are reckoned as the writer reckons them (:mod:`dudao.core.xlsx`),
from the names and the values the sheet will hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dudao.core.xlsx import PAGE_WIDTH, SAMPLE_ROWS, Sheet, column_widths

NAME_COLUMNS = ["单位", "批次", "督导组"]


@dataclass
class PrintSheet:
    sections: list[str] = field(default_factory=list)
    figures: list = field(default_factory=list)
    width: int = 0

    @property
    def name(self) -> str:
        return "、".join(self.sections)


def name_rows(report, units=None):
    for u in report.units if units is None else units:
        yield (u.name, report.batches.get(u.batch_id, ""), report.groups.get(u.group_id, ""))


def _figure_width(report, fig, units) -> int:
    values = [[report.unit_value(fig.code, u.participation_id)] for u in units]
    values.append([report.values.get(fig.code)])
    return column_widths([fig.label], values)[0]


def print_sheets(report) -> list[PrintSheet]:
    """The figures of ``report`` in sheets that each fit a landscape A4 page at full size."""
    sample = report.units[:SAMPLE_ROWS]
    room = max(1, PAGE_WIDTH - sum(column_widths(NAME_COLUMNS, name_rows(report, sample))))
    sections: dict[str, list] = {}
    for fig in report.figures:
        sections.setdefault(fig.section, []).append(fig)
    sheets: list[PrintSheet] = []
    for section, figures in sections.items():
        widths = [_figure_width(report, f, sample) for f in figures]
        if sheets and sheets[-1].width + sum(widths) <= room:
            last = sheets[-1]
            last.sections.append(section)
            last.figures += figures
            last.width += sum(widths)
            continue
        chunks: list[PrintSheet] = []
        for fig, width in zip(figures, widths, strict=True):
            if not chunks or (chunks[-1].width + width > room and chunks[-1].figures):
                chunks.append(PrintSheet())
            chunks[-1].figures.append(fig)
            chunks[-1].width += width
        for k, chunk in enumerate(chunks):
            suffix = "" if k == 0 else "（续）" if len(chunks) == 2 else f"（续{k}）"
            chunk.sections = [section + suffix]
        sheets += chunks
    return sheets


def tally_sheets(report, *, title: str) -> list[Sheet]:
    """The export's sheets: every figure (全部统计项), then :func:`print_sheets`' pages, each
    with a row per unit and the totals row."""

    def sheet(figures, *, heading: str, name: str) -> Sheet:
        def rows():
            for u, names in zip(report.units, name_rows(report), strict=True):
                yield (*names, *[report.unit_value(f.code, u.participation_id) for f in figures])
            yield ("合计", "", "", *[report.values.get(f.code) for f in figures])

        return Sheet(heading, [*NAME_COLUMNS, *[f.label for f in figures]], rows(), name=name)

    sheets = [sheet(report.figures, heading=title, name="全部统计项")]
    pages = print_sheets(report)
    if len(pages) > 1:
        sheets += [sheet(p.figures, heading=f"{title}（{p.name}）", name=p.name) for p in pages]
    return sheets
