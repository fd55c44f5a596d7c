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
