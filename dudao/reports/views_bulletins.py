"""Bulletin pages (简报): the campaign's list with "新建简报", one bulletin to edit while a
draft, issue, and its Word and PDF regenerated from the stored content. Thin: access → permits
→ action → message."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND
from dudao.core.errors import DomainError

from . import actions, documents
from .access import (
    bulletin_permits,
    get_bulletin_for_reader,
    get_campaign_for_reader,
    may_print_office_documents,
)
from .forms import (
    ITEMS_INCOMPLETE,
    BulletinHeadForm,
    BulletinNewForm,
    bulletin_item,
    bulletin_text,
    items_complete,
)
from .models import Bulletin
from .views_documents import DOCX_MIME


def _errors(form) -> str:
    return "；".join(
        f"{form.fields[f].label if f in form.fields else ''}：{'，'.join(e)}"
        for f, e in form.errors.items()
    )


@login_required
def bulletin_list(request, campaign_id):
    campaign = get_campaign_for_reader(request.user, campaign_id)
    if not may_print_office_documents(request.user, campaign):
        raise Http404(NOT_FOUND)
    permits = bulletin_permits(request.user, campaign)
    if request.method == "POST":
        form = BulletinNewForm(request.POST)
        if not permits.may("create"):
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                b = actions.create_bulletin(
                    actor=request.user,
                    campaign=campaign,
                    issued_on=form.cleaned_data["issued_on"],
                    token=form.cleaned_data["token"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已新建简报第{b.number}期（草稿）。")
                return redirect("reports:bulletin", b.pk)
        else:
            messages.error(request, _errors(form))
    form = BulletinNewForm(
        initial={"issued_on": timezone.localdate(), "token": secrets.token_hex(16)}
    )
    bulletins = Bulletin.objects.filter(campaign=campaign).order_by("-number")
    return render(
        request,
        "reports/bulletins.html",
        {
            "title": f"{campaign} 简报",
            "campaign": campaign,
            "bulletins": bulletins,
            "permits": permits,
            "form": form,
        },
    )


def _posted_items(post) -> list[dict]:
    titles, texts = post.getlist("item_title"), post.getlist("item_text")
    sources, refs = post.getlist("item_source"), post.getlist("item_ref")
    keep = set(post.getlist("item_keep"))
    items = [
        bulletin_item(
            title,
            text,
            sources[i] if i < len(sources) else "",
            refs[i] if i < len(refs) else "",
        )
        for i, (title, text) in enumerate(zip(titles, texts))
        if str(i) in keep
    ]
    new_title = bulletin_text(post.get("new_title", ""))
    new_text = bulletin_text(post.get("new_text", ""))
    if new_title or new_text:
        items.append(bulletin_item(new_title or "其他", new_text))
    return items


@login_required
def bulletin_detail(request, bulletin_id):
    b = get_bulletin_for_reader(request.user, bulletin_id)
    permits = bulletin_permits(request.user, b.campaign, b)
    form = BulletinHeadForm(
        initial={
            "masthead": b.masthead,
            "sponsor": b.sponsor,
            "issued_on": b.issued_on,
            "version": b.version,
        }
    )
    if request.method == "POST":
        if not permits.may("edit") and not permits.refused_by_state("edit"):
            raise Http404(NOT_FOUND)
        form = BulletinHeadForm(request.POST)
        items = _posted_items(request.POST)
        if form.is_valid() and items_complete(items):
            d = form.cleaned_data
            try:
                actions.edit_bulletin(
                    actor=request.user,
                    bulletin=b,
                    expected_version=d["version"],
                    masthead=d["masthead"],
                    sponsor=d["sponsor"],
                    issued_on=d["issued_on"],
                    items=items,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存。")
                return redirect("reports:bulletin", b.pk)
        elif not form.is_valid():
            messages.error(request, _errors(form))
        else:
            messages.error(request, ITEMS_INCOMPLETE)
    return render(
        request,
        "reports/bulletin.html",
        {
            "title": str(b),
            "b": b,
            "items": list(b.items.all()),
            "permits": permits,
            "form": form,
        },
    )


@login_required
@require_POST
def bulletin_issue(request, bulletin_id):
    b = get_bulletin_for_reader(request.user, bulletin_id)
    permits = bulletin_permits(request.user, b.campaign, b)
    if not permits.may("issue") and not permits.refused_by_state("issue"):
        raise Http404(NOT_FOUND)
    try:
        actions.issue_bulletin(
            actor=request.user, bulletin=b, expected_version=request.POST.get("version") or None
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "版本号无效：请刷新页面。"))
    else:
        messages.success(request, f"简报第{b.number}期已印发。")
    return redirect("reports:bulletin", b.pk)


@login_required
def bulletin_file(request, bulletin_id, fmt):
    b = get_bulletin_for_reader(request.user, bulletin_id)
    if fmt not in ("docx", "pdf"):
        raise Http404(NOT_FOUND)
    ctx = documents.stored_bulletin_context(b)
    if fmt == "docx":
        body, mime = documents.docx_bytes("bulletin", ctx), DOCX_MIME
    else:
        body, mime = documents.pdf_bytes("bulletin", ctx), "application/pdf"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''bulletin-{b.number}.{fmt}"
    return response
