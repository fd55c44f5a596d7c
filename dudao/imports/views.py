"""Import pages: upload → check (errors listed) → import → progress → summary."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.errors import DomainError
from dudao.core.xlsx import stream_workbook

from . import access, actions, progress, samples
from .access import get_campaign_for_manager
from .excel import XLSX_MIME
from .models import ImportJob, ImportKind, ImportStatus


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={
            "required": "请选择要上传的 Excel 文件。",
            "empty": "文件是空的（0 字节）。请确认选择了正确的文件。",
        },
    )


_require_roster_importer = access.require_roster_importer
_get_job_for_user = access.get_job_for_user


def _xlsx(name: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _upload(request, *, kind, campaign=None, title, template_url):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = actions.upload(
                actor=request.user,
                kind=kind,
                file_name=upload.name,
                data=upload.read(),
                campaign=campaign,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(uploaded_by=request.user, kind=kind, campaign=campaign).defer(
        "content"
    )[:10]
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "title": title,
            "template_url": template_url,
            "jobs": jobs,
            "campaign": campaign,
        },
    )


@login_required
def roster_upload(request):
    _require_roster_importer(request.user)
    return _upload(
        request,
        kind=ImportKind.ROSTER,
        title="导入组织和人员名册",
        template_url="/imports/roster/template.xlsx",
    )


@login_required
def roster_template(request):
    _require_roster_importer(request.user)
    return _xlsx("组织人员名册导入模板.xlsx", samples.roster_template())


@login_required
def setup_upload(request, campaign_id):
    campaign = get_campaign_for_manager(request.user, campaign_id)
    return _upload(
        request,
        kind=ImportKind.SETUP,
        campaign=campaign,
        title=f"导入活动设置 · {campaign.short_name}",
        template_url=f"/imports/setup/{campaign.pk}/template.xlsx",
    )


@login_required
def setup_template(request, campaign_id):
    get_campaign_for_manager(request.user, campaign_id)
    return _xlsx("活动设置导入模板.xlsx", samples.setup_template())


@login_required
def job_detail(request, job_id):
    job = _get_job_for_user(request.user, job_id)
    if actions.fail_if_stalled(job):  # its worker died: say so now, not only at the next sweep
        job = _get_job_for_user(request.user, job_id)
    running = job.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}
    live = progress.read(job.progress_key) if running else None
    context = {
        "job": job,
        "live": live,
        "percent": int(live["done"] * 100 / live["total"]) if live and live["total"] else 0,
        "running": running,
    }
    if request.htmx:
        return render(request, "imports/_job_status.html", context)
    return render(request, "imports/job.html", context)


@login_required
@require_POST
def job_import(request, job_id):
    job = _get_job_for_user(request.user, job_id)
    try:
        actions.start_import(
            actor=request.user, job=job, only_valid=request.POST.get("only_valid") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("import_job", job_id=job.pk)


@login_required
def job_errors(request, job_id):
    job = _get_job_for_user(request.user, job_id)
    rows = ((e["sheet"], e["row"], e["column"], e["value"], e["message"]) for e in job.errors)
    response = StreamingHttpResponse(
        stream_workbook(
            "错误清单",
            ["工作表", "行号", "列", "内容", "问题及处理办法"],
            rows,
            widths=[10, 8, 14, 24, 80],
        ),
        content_type=XLSX_MIME,
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"errors.xlsx\"; filename*=UTF-8''{quote('错误清单-' + job.file_name)}"
    )
    return response
