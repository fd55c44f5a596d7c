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
from .forms import BulletinHeadForm, BulletinNewForm
from .models import Bulletin, ItemSource
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


def _text(value: str) -> str:
    # What the user wrote, without the NUL bytes PostgreSQL refuses in text.
    return value.replace("\x00", "").strip()


def _posted_items(post) -> list[dict]:
    titles = [_text(t) for t in post.getlist("item_title")]
    texts = [_text(t) for t in post.getlist("item_text")]
    sources, refs = post.getlist("item_source"), [_text(r) for r in post.getlist("item_ref")]
    keep = set(post.getlist("item_keep"))
    items = []
    for i, (title, text) in enumerate(zip(titles, texts)):
        if str(i) not in keep:
            continue
        source = sources[i] if i < len(sources) and sources[i] in ItemSource.values else "free"
        items.append(
            {
                "title": title.strip()[:200],
                "text": text.strip(),
                "source": source,
                "source_ref": (refs[i] if i < len(refs) else "")[:64],
            }
        )
    new_title, new_text = _text(post.get("new_title", "")), _text(post.get("new_text", ""))
    if new_title or new_text:
        items.append({"title": new_title[:200] or "其他", "text": new_text, "source": "free"})
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
        if form.is_valid() and all(i["title"] and i["text"] for i in items):
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
            messages.error(request, "每条内容都要有标题和正文：请补全，或取消勾选“保留”。")
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
