"""The member is told his grade in writing (seed 001: "对每个党员提出的评议意见要向党员本人反馈"):
a Word letter, A4, in Chinese, made with python-docx."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import rules


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run, size: float = 14, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "FangSong"
    # East Asian text takes the eastAsia font of the run, not its name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")


def evaluation_letter(evaluation, *, today: dt.date) -> bytes:
    """The letter for a decided evaluation: name, branch, the branch's 评议意见, the grade the
    unit committee decided, and where to turn with objections."""
    ballot = evaluation.ballot
    participation = ballot.participation
    template = participation.campaign.template
    campaign_name = participation.campaign.short_name or participation.campaign.name
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("民主评议党员结果告知书"), 22, bold=True)

    def para(text: str, indent: bool = True) -> None:
        p = doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)
        _font(p.add_run(text))

    para(f"{evaluation.person.name}同志：", indent=False)
    para(
        f"根据{campaign_name}民主评议党员的安排，{ballot.branch.name}组织了民主评议。"
        f"经支部党员评议、支部提出意见，{participation.unit_name}党组织研究确定，"
        f"您的评议等次为：{rules.grade_name(template, evaluation.decided_grade)}。"
    )
    para(f"支部评议意见：{evaluation.opinion}")
    if evaluation.decision_note:
        para(f"党组织意见：{evaluation.decision_note}")
    if evaluation.decided_grade == rules.UNQUALIFIED:
        para("请您正视存在的问题，认真改正。党组织将按照规定程序进行组织处理，并听取您本人的意见。")
    para("如对评议结果有不同意见，可在收到本告知书之日起十五日内向党支部或上级党组织提出。")
    for text in (participation.unit_name, _cn_date(today)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
