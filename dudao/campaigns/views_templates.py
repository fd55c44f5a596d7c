"""Templates an office can handle in the browser: upload a file, see every error with its line
and field, preview the campaign it describes, then load it (audited, ``template.load``).

Who: the office of any campaign and superusers (the same people who may create campaigns).
"""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.orgs.access import scope_for

from .models import CampaignTemplate
from .template_loader import (
    TemplateInvalid,
    content_digest,
    load_template_upload,
    stored_state,
    validate_template_bytes,
)
from .template_preview import preview

NOT_FOUND = "页面不存在或您无权访问"
MAX_BYTES = 512 * 1024  # the shipped templates are 10–20 KB


def _may_load_templates(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.office_campaigns)


def _read_upload(request) -> tuple[bytes | None, str, str]:
    """(content, file name, problem) of the uploaded file."""
    upload = request.FILES.get("file")
    if upload is None:
        return None, "", "请选择一个模板文件（.yaml）。"
    name = upload.name.rsplit("/", 1)[-1][:100]
    if upload.size > MAX_BYTES:
        return None, name, f"文件太大（{upload.size // 1024} KB），模板文件不超过 512 KB。"
    return upload.read(), name, ""


@login_required
def templates_page(request):
    """GET: the stored templates and the upload form. POST: validate the uploaded file and show
    its errors, or its preview with the load button."""
    if not _may_load_templates(request.user):
        raise Http404(NOT_FOUND)
    context = {
        "templates": CampaignTemplate.objects.order_by("code", "-version"),
        "errors": None,
        "problem": "",
    }
    if request.method == "POST":
        raw, name, problem = _read_upload(request)
        context["file_name"] = name
        if raw is None:
            context["problem"] = problem
        else:
            clean, errors = validate_template_bytes(raw, name=name)
            if errors:
                context["errors"] = errors
            else:
                context |= {
                    "preview": preview(clean),
                    "state": stored_state(clean),
                    "digest": content_digest(clean),
                    "content": base64.b64encode(raw).decode("ascii"),
                }
    return render(request, "campaigns/templates.html", context)


@login_required
@require_POST
def template_load(request):
    if not _may_load_templates(request.user):
        raise Http404(NOT_FOUND)
    name = (request.POST.get("file_name") or "").replace("\x00", "")[:100] or "template.yaml"
    try:
        raw = base64.b64decode(request.POST.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw:
        messages.error(request, "没有要载入的内容，请重新上传并预览。")
        return redirect("campaign_templates")
    try:
        result = load_template_upload(
            actor=request.user, raw=raw, name=name, expected_digest=request.POST.get("digest")
        )
    except TemplateInvalid as exc:
        return render(
            request,
            "campaigns/templates.html",
            {
                "templates": CampaignTemplate.objects.order_by("code", "-version"),
                "errors": exc.errors,
                "file_name": name,
            },
        )
    t = result.template
    if result.created:
        messages.success(request, f"已载入模板“{t.name}”（第 {t.version} 版），可用它新建活动。")
    else:
        messages.info(request, f"模板“{t.name}”第 {t.version} 版此前已载入，内容相同，未改动。")
    return redirect("campaign_templates")
