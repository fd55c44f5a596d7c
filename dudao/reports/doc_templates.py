"""Builds the shipped Word templates (``docx/*.docx``): A4, a Chinese font, page numbers, and
the Jinja tags docxtpl fills. Run ``manage.py build_report_templates`` after changing them; an
office replaces a file by putting its own of the same name in DUDAO_REPORT_TEMPLATE_DIR."""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from dudao.core.documents import new_a4_document

RED = RGBColor(0xC0, 0x00, 0x00)


def _para(doc, text, *, size=12, bold=False, color=None, align=None):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    if align is not None:
        p.alignment = align
    return p


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    ppr.append(border)


def bulletin():
    doc = new_a4_document(14)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{{ masthead }}", size=36, bold=True, color=RED, align=center)
    _para(doc, "{{ issue }}", size=14, align=center)
    rule = _para(doc, "{{ sponsor }}\t\t\t\t{{ date }}", size=12)
    _red_rule(rule)
    _para(doc, "{%p for item in items %}", size=1)
    _para(doc, "{{ item.title }}", size=16, bold=True)
    _para(doc, "{{ item.text }}", size=14)
    _para(doc, "{%p endfor %}", size=1)
    return doc


def _report(doc_title_tag: str):
    doc = new_a4_document(12)
    _para(doc, doc_title_tag, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{{ sponsor }}　{{ date }}", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{{ intro }}", size=12)
    # docxtpl: a row holding only a {%tr %} tag is replaced by the tag (the loop's bounds).
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("类别", "统计项", "数量")):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for f in figures %}"
    row = table.rows[2].cells
    row[0].text = "{{ f.section }}"
    row[1].text = "{{ f.label }}"
    row[2].text = "{{ f.value }} {{ f.unit }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _para(doc, "督导组及所督导单位：", size=12, bold=True)
    _para(doc, "{%p for g in groups %}", size=1)
    _para(doc, "{{ g.name }}：{{ g.units }}个单位", size=12)
    _para(doc, "{%p endfor %}", size=1)
    return doc


def build(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, doc in (
        ("bulletin", bulletin()),
        ("summary", _report("{{ title }}")),
        ("final", _report("{{ title }}")),
    ):
        path = directory / f"{name}.docx"
        doc.save(path)
        out.append(path)
    return out
