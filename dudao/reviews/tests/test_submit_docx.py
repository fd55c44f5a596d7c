"""An uploaded .docx: headings, paragraphs and tables come out in order; the original is kept
for download."""

from __future__ import annotations

from dudao.reviews import actions

from .helpers import docx_upload, participation


def _plan(doc):
    doc.add_heading("东城区财政局先进性教育活动实施方案", level=1)
    doc.add_paragraph("为认真贯彻中央部署，结合本局实际，制定本方案。")
    doc.add_heading("一、工作安排", level=2)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [("阶段", "时间", "责任人"), ("学习动员", "3月", "王建国"), ("分析评议", "4月", "李晓梅")]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("二、保障措施：成立领导小组，落实责任。")


def test_it_extracts_headings_paragraphs_and_tables_in_order(cast05):
    doc = actions.submit_document(
        actor=cast05.user("liaison"),
        participation=participation(cast05),
        kind="implementation_plan",
        upload=docx_upload(_plan, "实施方案.docx"),
    )
    version = doc.versions.get()
    assert version.text.split("\n") == [
        "东城区财政局先进性教育活动实施方案",
        "为认真贯彻中央部署，结合本局实际，制定本方案。",
        "一、工作安排",
        "阶段 | 时间 | 责任人",
        "学习动员 | 3月 | 王建国",
        "分析评议 | 4月 | 李晓梅",
        "二、保障措施：成立领导小组，落实责任。",
    ]
    assert version.char_count == len(version.text)
    assert version.original_name == "实施方案.docx"
    with version.original.open("rb") as fh:
        assert fh.read(2) == b"PK"
