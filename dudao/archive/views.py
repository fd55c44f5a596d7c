"""Archive pages. Thin: fetch through ``access`` (404 outside scope) → ``archive_permits``, a
selector or an action → render, or a message and a redirect."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND
from dudao.core.errors import DomainError

from . import actions, selectors
from .access import archive_permits, get_export_for_user, get_participation
from .models import ExportStatus


@login_required
def unit_archive(request, participation_id):
    p = get_participation(request.user, participation_id)
    permits = archive_permits(request.user, p)
    exports = selectors.exports_of(p)
    for export in exports:  # a worker that died: say so now, not only at the next sweep
        actions.fail_if_stalled(export)
    running = any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in exports)
    return render(
        request,
        "archive/unit.html",
        {
            "p": p,
            "checklist": selectors.checklist(p),
            "permits": permits,
            "exports": exports,
            "running": running,
            "token": secrets.token_hex(16),
        },
    )


@login_required
@require_POST
def export_start(request, participation_id):
    p = get_participation(request.user, participation_id)
    try:
        export = actions.request_export(
            actor=request.user,
            participation=p,
            token=request.POST.get("token", "").replace("\x00", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if export.status == ExportStatus.DONE:
            messages.success(request, "档案包已生成，可下载。")
        elif export.status == ExportStatus.FAILED:
            messages.error(request, export.failure)
        else:
            messages.success(request, "已开始生成档案包，完成后可在下方下载。")
    return redirect("archive:unit", p.pk)


@login_required
def export_download(request, export_id):
    export = get_export_for_user(request.user, export_id)
    if not archive_permits(request.user, export.participation).may("export"):
        raise Http404(NOT_FOUND)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404(NOT_FOUND)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file_name or "活动档案.zip",
        content_type="application/zip",
    )
