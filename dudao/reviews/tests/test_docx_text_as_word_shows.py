"""Text extracted from a .docx saved by LibreOffice Writer reads as Word shows it: list
numbering ("一、", "（一）", "1."), the footnote at its place, the picture noted; a .doc or
.wps file is refused with how to save it as .docx in Word and in WPS."""

from __future__ import annotations

from pathlib import Path

import pytest

from dudao.reviews.docx_text import UploadRefused, extract_text

FILE = Path(__file__).parents[2] / "imports" / "tests" / "office_files" / "numbered_footnotes.docx"


def test_it_keeps_numbering_footnotes_and_notes_pictures():
    lines = extract_text(FILE.read_bytes()).splitlines()
    assert lines == [
        "实施方案",
        "一、指导思想",
        "（一）坚持以党章为根本遵循",
        "（二）坚持问题导向",
        "二、主要措施〔注1：见市委2005年1号文件〕和步骤",
        "1. 学习动员阶段",
        "2. 分析评议阶段",
        "附图：[图片]示意",
    ]


def test_a_doc_or_wps_file_says_how_to_save_as_docx_in_wps():
    with pytest.raises(UploadRefused, match="WPS.*另存为.*docx"):
        extract_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "方案.wps")
