"""The README's command lines work as written: `import_roster --template 名册.xlsx` writes the
roster template (the one the import page offers, with its example rows), and
`import_roster 名册.xlsx` imports it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from dudao.orgs.models import Organisation, Person
from dudao.testing import build_cast

pytestmark = pytest.mark.django_db


def test_it_writes_the_template_and_imports_its_example_rows(tmp_path):
    cast = build_cast()
    path = tmp_path / "名册.xlsx"
    call_command("import_roster", str(path), template=True, stdout=io.StringIO())
    assert path.read_bytes()[:2] == b"PK"  # an .xlsx (zip) file
    out = io.StringIO()
    call_command(
        "import_roster",
        str(path),
        actor=cast.user("office").username,
        stdout=out,
        stderr=io.StringIO(),
    )
    said = out.getvalue()
    assert "导入完成" in said and "新增人员 1" in said, said
    assert not re.search(r"[a-z]_[a-z]|=", said), said  # Chinese words, not the summary's keys
    again = io.StringIO()
    call_command(
        "import_roster",
        str(path),
        actor=cast.user("office").username,
        stdout=again,
        stderr=io.StringIO(),
    )
    assert "没有改动" in again.getvalue(), again.getvalue()
    assert Organisation.objects.filter(code="SZ-U001").exists()
    assert Person.objects.filter(code="P0001", name="王建国").exists()
