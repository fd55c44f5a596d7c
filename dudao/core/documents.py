"""Document output (issue 14, item 3): Word from .docx templates an office can replace
(docxtpl), PDF for printing (WeasyPrint), both A4 with Chinese fonts and page numbers.

A Word template is an ordinary .docx with Jinja tags (``{{ masthead }}``, ``{%p for item in
items %}``); the shipped ones are built by :func:`new_a4_document` so they start A4, in a
Chinese font, with "第 X 页" in the footer; an office's own file of the same name in
``DUDAO_REPORT_TEMPLATE_DIR`` replaces a shipped one.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# The fonts a Chinese office has (Word) and the ones this product installs (PDF).
WORD_FONT_LATIN = "Times New Roman"
WORD_FONT_EAST_ASIA = "宋体"
PDF_FONTS = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Serif CJK SC", "Droid Sans Fallback", sans-serif'

A4_CSS = (
    """
@page { size: A4; margin: 25mm 22mm 22mm 22mm;
  @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页";
                   font-size: 9pt; color: #444; } }
html { font-family: FONTS; font-size: 11pt; line-height: 1.6; color: #000; }
h1, h2, h3 { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
th, td { border: 0.6pt solid #555; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; }
"""
).replace("FONTS", PDF_FONTS)


def set_a4(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)


def set_chinese_font(document, size_pt: float = 12) -> None:
    style = document.styles["Normal"]
    style.font.name = WORD_FONT_LATIN
    style.font.size = Pt(size_pt)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), WORD_FONT_EAST_ASIA)


def _field(run, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def add_page_numbers(section) -> None:
    """Footer "第 X 页 共 Y 页" with Word's PAGE and NUMPAGES fields."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("第 ")
    _field(para.add_run(), "PAGE")
    para.add_run(" 页 共 ")
    _field(para.add_run(), "NUMPAGES")
    para.add_run(" 页")


def new_a4_document(size_pt: float = 12):
    document = Document()
    set_a4(document.sections[0])
    set_chinese_font(document, size_pt)
    add_page_numbers(document.sections[0])
    return document


def dashed_table_borders(table) -> None:
    """Dashed lines around and between the cells: the cut lines of a sheet of slips."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "dashed")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "666666")
        borders.append(el)
    props = table._tbl.tblPr
    for old in props.findall(qn("w:tblBorders")):
        props.remove(old)
    props.append(borders)


def render_docx(template: Path | str, context: dict) -> bytes:
    from docxtpl import DocxTemplate  # heavy import, only where a document is made

    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import CSS, HTML  # needs Pango; imported only where a PDF is made

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(string=A4_CSS)])
