"""The weekly report in Word, from a replaceable .docx template (docxtpl).

The office may change the layout: ``DUDAO_WEEKLY_REPORT_DOCX`` (settings / environment) names
its own template; the default is ``docx/weekly_report.docx`` beside this file, built by
``build_default_template`` (``manage.py build_weekly_report_template`` writes it again). A
template sees: ``campaign``, ``group``, ``week_start``, ``week_end`` (Chinese dates),
``status``, ``narrative`` (its paragraphs as ``paragraphs``), ``figures`` (a list of
``{label, value}``) and ``submitted_by``/``submitted_at``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.conf import settings
from docxtpl import DocxTemplate

from .weekly import figure_rows

DEFAULT_TEMPLATE = Path(__file__).parent / "docx" / "weekly_report.docx"


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def template_path() -> Path:
    custom = getattr(settings, "DUDAO_WEEKLY_REPORT_DOCX", "")
    return Path(custom) if custom else DEFAULT_TEMPLATE


def context(report) -> dict:
    narrative = report.narrative or ""
    return {
        "campaign": str(report.campaign),
        "group": report.group.name,
        "week_start": _cn(report.week_start),
        "week_end": _cn(report.week_start + dt.timedelta(days=6)),
        "status": report.get_status_display(),
        "narrative": narrative,
        "paragraphs": [p for p in narrative.splitlines() if p.strip()] or ["（未填写）"],
        "figures": [{"label": label, "value": value} for label, value in figure_rows(report)],
        "submitted_by": (
            report.submitted_by.get_full_name() or report.submitted_by.username
            if report.submitted_by
            else ""
        ),
        "submitted_at": _cn(report.submitted_at.date()) if report.submitted_at else "",
    }


def render_report_docx(report) -> bytes:
    doc = DocxTemplate(str(template_path()))
    doc.render(context(report), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def build_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Write the default template with python-docx: a heading, the period, the narrative's
    paragraphs and a two-column table of the figures (docxtpl's row loop)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    doc.add_heading("{{ group }}工作周报", level=1)
    doc.add_paragraph("{{ campaign }}　{{ week_start }}至{{ week_end }}（{{ status }}）")
    doc.add_heading("一、本周工作情况", level=2)
    doc.add_paragraph("{%p for para in paragraphs %}")
    doc.add_paragraph("{{ para }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("二、本周数据", level=2)
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "数量"
    # docxtpl's {%tr %} tags want their own rows: the loop's open and close rows.
    row_open = table.rows[1]
    row_open.cells[0].text = "{%tr for f in figures %}"
    row_open.cells[1].text = ""
    body = table.rows[2]
    body.cells[0].text = "{{ f.label }}"
    body.cells[1].text = "{{ f.value }}"
    end = table.add_row()
    end.cells[0].text = "{%tr endfor %}"
    end.cells[1].text = ""
    doc.add_paragraph("报送人：{{ submitted_by }}　报送日期：{{ submitted_at }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# --- the roving inspection group's report to the leading group -------------------------------

INSPECTION_TEMPLATE = Path(__file__).parent / "docx" / "inspection_report.docx"


def inspection_template_path() -> Path:
    custom = getattr(settings, "DUDAO_INSPECTION_REPORT_DOCX", "")
    return Path(custom) if custom else INSPECTION_TEMPLATE


def inspection_context(report) -> dict:
    """Variables of the inspection report template: ``campaign``, ``group``, ``period_start``,
    ``period_end``, ``status``, ``paragraphs``, ``figures`` ({label, value}), ``findings``
    ({unit, what, method, note}), ``submitted_by``, ``submitted_at``."""
    from .inspection import figure_rows as inspection_rows

    narrative = report.narrative or ""
    return {
        "campaign": str(report.campaign),
        "group": report.inspection_group.name,
        "period_start": _cn(report.period_start),
        "period_end": _cn(report.period_end),
        "status": report.get_status_display(),
        "paragraphs": [p for p in narrative.splitlines() if p.strip()] or ["（未填写）"],
        "figures": [{"label": label, "value": value} for label, value in inspection_rows(report)],
        "findings": list(report.findings or [])
        or [{"unit": "（无）", "what": "", "method": "", "note": ""}],
        "submitted_by": (
            report.submitted_by.get_full_name() or report.submitted_by.username
            if report.submitted_by
            else ""
        ),
        "submitted_at": _cn(report.submitted_at.date()) if report.submitted_at else "",
    }


def render_inspection_docx(report) -> bytes:
    doc = DocxTemplate(str(inspection_template_path()))
    doc.render(inspection_context(report), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _loop_table(doc, headings: list[str], loop: str, cells: list[str]):
    table = doc.add_table(rows=3, cols=len(headings))
    table.style = "Table Grid"
    for i, text in enumerate(headings):
        table.cell(0, i).text = text
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    return table


def build_inspection_template(path: Path = INSPECTION_TEMPLATE) -> Path:
    """The default inspection report template (python-docx; docxtpl tags)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading("{{ group }}巡回检查情况报告", level=1)
    doc.add_paragraph("{{ campaign }}　{{ period_start }}至{{ period_end }}（{{ status }}）")
    doc.add_heading("一、检查情况", level=2)
    doc.add_paragraph("{%p for para in paragraphs %}")
    doc.add_paragraph("{{ para }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("二、检查数据", level=2)
    _loop_table(doc, ["项目", "数量"], "f in figures", ["{{ f.label }}", "{{ f.value }}"])
    doc.add_heading("三、未落实的制度和机制", level=2)
    _loop_table(
        doc,
        ["单位", "制度或机制", "检查方式", "检查意见"],
        "x in findings",
        ["{{ x.unit }}", "{{ x.what }}", "{{ x.method }}", "{{ x.note }}"],
    )
    doc.add_paragraph("报送人：{{ submitted_by }}　报送日期：{{ submitted_at }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
