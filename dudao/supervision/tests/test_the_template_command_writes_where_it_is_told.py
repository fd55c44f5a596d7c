"""`manage.py build_weekly_report_template --out F` writes both templates beside F and leaves
the shipped ones alone (README command table)."""

from __future__ import annotations

import hashlib

from django.core.management import call_command
from docx import Document

from dudao.supervision.docx_export import DEFAULT_TEMPLATE, INSPECTION_TEMPLATE


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_out_elsewhere_leaves_the_shipped_templates_alone(tmp_path):
    shipped = {p: _digest(p) for p in (DEFAULT_TEMPLATE, INSPECTION_TEMPLATE)}
    out = tmp_path / "周报模板.docx"
    call_command("build_weekly_report_template", "--out", str(out))
    beside = tmp_path / "巡回检查报告模板.docx"
    assert out.exists() and beside.exists()
    Document(str(out)), Document(str(beside))  # both open as Word files
    assert {p: _digest(p) for p in shipped} == shipped
