"""The archive's human-readable index (目录) as an A4 PDF, with reportlab and WenQuanYi Micro Hei
(fonts-wqy-microhei): title, unit and campaign, the audit chain head the bundle is bound to, the
completeness checklist and the table of contents; page numbers in the footer."""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "WQYMicroHei"
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


@lru_cache(maxsize=1)
def _font() -> str:
    import os

    paths = [getattr(settings, "DUDAO_PDF_FONT", "")] + list(FONT_PATHS)
    for path in paths:
        if path and os.path.exists(path):
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            return FONT
    raise RuntimeError("找不到中文字体（fonts-wqy-microhei）：无法生成 PDF 目录。")


def _styles():
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=20, spaceBefore=8),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9, leading=13, wordWrap="CJK"),
    }


def _table(rows: list[list[str]], widths: list[float], styles) -> Table:
    data = [[Paragraph(escape(str(c)), styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def index_pdf(
    *,
    title: str,
    facts: list[tuple[str, str]],
    checklist: list[list[str]],
    contents: list[list[str]],
) -> bytes:
    """``facts``: (label, value) lines under the title; ``checklist`` and ``contents``: table rows,
    the first row being the header."""
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="督导通",
    )

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(_font(), 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    width = A4[0] - 36 * mm
    story = [Paragraph(escape(title), styles["title"]), Spacer(1, 6 * mm)]
    for label, value in facts:
        story.append(Paragraph(f"{escape(label)}：{escape(value)}", styles["body"]))
    story.append(Paragraph("完整性清单", styles["h2"]))
    story.append(
        _table(checklist, [width * 0.36, width * 0.14, width * 0.14, width * 0.36], styles)
    )
    story.append(Paragraph("档案目录", styles["h2"]))
    # Long tables are built in chunks: one table of thousands of rows splits slowly.
    head, rows = contents[:1], contents[1:]
    for start in range(0, max(len(rows), 1), 100):
        story.append(_table(head + rows[start : start + 100], [width * 0.45, width * 0.55], styles))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
