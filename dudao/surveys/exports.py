"""The printable QR sheet (Word) and the hand-out list (Excel) of a round's codes.

Neither says whether a code has been used, and the codes are not paired with the sampled
people: the sample sheet lists names for the group to find them, the codes are handed out
from a shuffled pile (docs/anonymity.md)."""

from __future__ import annotations

import io

import segno
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from dudao.core.documents import dashed_table_borders, new_a4_document
from dudao.core.xlsx import workbook_bytes

from .codes import display

COLUMNS = 3


def code_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/s/{code}/"


def _qr_png(url: str) -> io.BytesIO:
    buf = io.BytesIO()
    # Medium error correction survives a crease in the paper; a quiet zone of 2 modules.
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=6, border=2)
    buf.seek(0)
    return buf


def qr_sheet_docx(*, title: str, subtitle: str, base_url: str, codes: list[str]) -> bytes:
    # A4 (not python-docx's default US Letter), Chinese font, page numbers.
    doc = new_a4_document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    heading = doc.add_paragraph()
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(14)
    doc.add_paragraph(
        f"{subtitle}。用手机扫描二维码作答；也可打开 {base_url.rstrip('/')}/s/ 输入测评码。"
        "测评码只能使用一次，答卷不记名，任何人无法查到您的答案。沿虚线剪开后发放。"
    )
    table = doc.add_table(rows=0, cols=COLUMNS)
    table.style = "Table Grid"
    dashed_table_borders(table)  # the cut lines the sheet tells people to cut along
    for start in range(0, len(codes), COLUMNS):
        cells = table.add_row().cells
        for cell, code in zip(cells, codes[start : start + COLUMNS], strict=False):
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.add_run().add_picture(_qr_png(code_url(base_url, code)), width=Cm(3.6))
            line = cell.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            label = line.add_run(f"测评码 {display(code)}")
            label.bold = True
            label.font.size = Pt(12)
            hint = cell.add_paragraph(subtitle)
            hint.alignment = WD_ALIGN_PARAGRAPH.CENTER
            hint.runs[0].font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def code_list_xlsx(*, base_url: str, codes: list[str]) -> bytes:
    rows = [(i, display(code), code_url(base_url, code)) for i, code in enumerate(codes, 1)]
    return workbook_bytes("测评码", ["序号", "测评码", "答题网址"], rows)


def sample_list_xlsx(people: list[tuple]) -> bytes:
    return workbook_bytes("抽样名单", ["序号", "姓名", "人员编号", "所在支部"], people)
