"""Access-matrix rows of the import pages: the office imports; a job is seen by its uploader."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.testing.matrix import OFFICE, Row, other_campaign


def _file(c):
    return {"file": SimpleUploadedFile("名册.xlsx", b"not really a workbook")}


def _job(c, *, uploader="office", status="invalid"):
    from dudao.imports.models import ImportJob

    return ImportJob.objects.create(
        kind="roster",
        uploaded_by=c.user(uploader),
        file_name="名册.xlsx",
        content=b"",
        sha256="0" * 64,
        status=status,
        errors=[{"sheet": "人员", "row": 2, "column": "A", "value": "=1+1", "message": "缺少编号"}],
    )


ROWS = [
    Row(
        "roster import",
        "import_roster",
        lambda c: "/imports/roster/",
        OFFICE,
        lambda c: "导入组织和人员名册",
        post=_file,
    ),
    Row(
        "roster template",
        "import_roster_template",
        lambda c: "/imports/roster/template.xlsx",
        OFFICE,
    ),
    Row(
        "setup import",
        "import_setup",
        lambda c: f"/imports/setup/{c.campaign.pk}/",
        OFFICE,
        lambda c: "导入活动设置",
        post=_file,
    ),
    Row(
        "setup template",
        "import_setup_template",
        lambda c: f"/imports/setup/{c.campaign.pk}/template.xlsx",
        OFFICE,
    ),
    Row(
        "setup import, other campaign",
        "import_setup",
        lambda c: f"/imports/setup/{other_campaign(c).pk}/",
        set(),
        post=_file,
    ),
    Row(
        "setup template, other campaign",
        "import_setup_template",
        lambda c: f"/imports/setup/{other_campaign(c).pk}/template.xlsx",
        set(),
    ),
    Row(
        "import job",
        "import_job",
        lambda c: f"/imports/jobs/{_job(c).pk}/",
        OFFICE,
        lambda c: "名册.xlsx",
    ),
    Row(
        "import job of someone else",
        "import_job",
        lambda c: f"/imports/jobs/{_job(c, uploader='leading').pk}/",
        {"leading"},
    ),
    Row(
        "import job: import",
        "import_job_import",
        lambda c: f"/imports/jobs/{_job(c, status='ready').pk}/import/",
        OFFICE,
        post=lambda c: {"only_valid": "1"},
        post_only=True,
    ),
    Row(
        "import job: errors",
        "import_job_errors",
        lambda c: f"/imports/jobs/{_job(c).pk}/errors.xlsx",
        OFFICE,
    ),
]
