from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dudao.imports.models import ImportJob
from dudao.orgs.models import Person

from .helpers import person
from .helpers import roster as make

pytestmark = pytest.mark.django_db


def _upload(client, data: bytes, name="名册.xlsx"):
    return client.post("/imports/roster/", {"file": SimpleUploadedFile(name, data)})


def test_it_shows_every_error_with_row_and_column_and_imports_nothing(client, cast):
    client.force_login(cast.user("office"))
    response = _upload(client, make(people=[person("P1", "甲", branch="NOPE"), person("P2", "")]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/jobs/{job.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "发现 2 处问题" in body and "没有导入任何数据" in body
    assert "第 2 行" in body and "所在支部编码“NOPE”不存在" in body
    assert "第 3 行" in body and "“姓名”不能为空" in body
    response = client.post(f"/imports/jobs/{job.pk}/import/")
    assert "不能全部导入" in client.get(response["Location"]).content.decode()
    assert not Person.objects.filter(code__in=["P1", "P2"]).exists()


def test_the_error_list_downloads_as_excel(client, cast):
    client.force_login(cast.user("office"))
    _upload(client, make(people=[person("P1", "甲", branch="NOPE")]))
    job = ImportJob.objects.get()
    response = client.get(f"/imports/jobs/{job.pk}/errors.xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )[1:]  # row 1 is the sheet's title
    assert rows[0] == ("工作表", "行号", "列", "内容", "问题及处理办法")
    assert rows[1][:3] == ("人员", 2, "所在支部编码")


def test_upload_import_and_summary_and_a_double_submit_imports_once(client, cast):
    client.force_login(cast.user("office"))
    _upload(client, make(people=[person(f"N{i}", f"新党员{i}") for i in range(5)]))
    job = ImportJob.objects.get()
    assert "检查完毕，没有发现错误" in client.get(f"/imports/jobs/{job.pk}/").content.decode()
    client.post(f"/imports/jobs/{job.pk}/import/")
    response = client.post(f"/imports/jobs/{job.pk}/import/")
    body = client.get(response["Location"]).content.decode()
    assert "没有重复导入" in body and "导入完成" in body and "新增人员" in body
    assert Person.objects.filter(code__startswith="N").count() == 5
    job.refresh_from_db()
    assert job.status == "done" and job.summary["people_created"] == 5


def test_the_status_fragment_answers_htmx_polling(client, cast):
    client.force_login(cast.user("office"))
    _upload(client, make())
    job = ImportJob.objects.get()
    response = client.get(f"/imports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="job-status"')


def test_a_file_that_is_not_excel_is_explained(client, cast):
    client.force_login(cast.user("office"))
    _upload(client, b"%PDF-1.4\n", name="名册.pdf")
    body = client.get(f"/imports/jobs/{ImportJob.objects.get().pk}/").content.decode()
    assert "PDF" in body and "xlsx" in body


def test_an_empty_upload_is_refused_on_the_form(client, cast):
    client.force_login(cast.user("office"))
    response = _upload(client, b"")
    assert response.status_code == 200 and "文件是空的" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "role", ["leading", "group_leader", "unit_head", "secretary", "member", "outsider"]
)
def test_only_the_office_may_import_rosters(client, cast, role):
    client.force_login(cast.user(role))
    assert client.get("/imports/roster/").status_code == 404
    assert client.get("/imports/roster/template.xlsx").status_code == 404
    assert client.get(f"/imports/setup/{cast.campaign.pk}/").status_code == 404


def test_a_job_is_visible_to_its_uploader_only(client, cast):
    client.force_login(cast.user("office"))
    _upload(client, make())
    job = ImportJob.objects.get()
    client.force_login(cast.user("leading"))
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/imports/jobs/{job.pk}/import/").status_code == 404


def test_the_template_downloads_with_its_sheets_and_imports_cleanly(client, cast):
    client.force_login(cast.user("office"))
    response = client.get("/imports/roster/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["组织", "人员", "角色", "说明"]
    assert [c.value for c in wb["人员"][1]][:3] == ["人员编号", "姓名", "性别"]
    _upload(client, response.content, name="模板.xlsx")
    job = ImportJob.objects.get()
    assert job.status == "ready", job.errors


def test_the_valid_row_count_ignores_a_header_problem(client, cast):
    from .helpers import PERSON_HEADER, xlsx

    client.force_login(cast.user("office"))
    data = xlsx(
        {
            "人员": [
                PERSON_HEADER + ["备注"],
                person("V1", "甲", branch="U001-B1") + ["x"],
                person("V2", "", branch="U001-B1") + [""],
            ]
        }
    )
    _upload(client, data)
    job = ImportJob.objects.get()
    assert job.summary == {"valid_rows": 1, "bad_rows": 1, "skipped_rows": 0}
    assert "仅导入无误的 1 行" in client.get(f"/imports/jobs/{job.pk}/").content.decode()
    client.post(f"/imports/jobs/{job.pk}/import/", {"only_valid": "1"})
    assert list(Person.objects.filter(code__startswith="V").values_list("code", flat=True)) == [
        "V1"
    ]
