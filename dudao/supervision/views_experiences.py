"""Typical experiences' pages (issue 13 §4): the campaign's list with filters, the group's
nomination form, one experience with the office's edit / approve / return / publish. Thin:
fetch through ``access`` → ``experience_permits`` → an action in ``experiences``."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from dudao.campaigns.access import get_campaign_for_user
from dudao.campaigns.models import SupervisionGroup
from dudao.core.access import NOT_FOUND, clean_query_text, get_in_scope_or_404, id_or_none
from dudao.core.errors import DomainError
from dudao.orgs.access import scope_for
from dudao.reviews.selectors import visible_documents

from . import experiences, selectors
from .access import (
    GROUP,
    experience_permits,
    get_experience_for_user,
    get_participation_as,
    visible_experiences,
    visible_visits,
)
from .forms import ExperienceDecisionForm, ExperienceEditForm, ExperienceForm
from .models import ExperienceAttachment, ExperienceStatus


def _form_errors(form) -> str:
    parts = []
    for key, errors in form.errors.items():
        label = form.fields[key].label if key in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


@login_required
def experience_list(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    scope = scope_for(request.user)
    groups = SupervisionGroup.objects.filter(campaign=campaign).order_by("code")
    if not (scope.is_superuser or campaign.pk in scope.read_all_campaigns):
        groups = groups.filter(pk__in=scope.groups)
        if not groups:
            raise Http404(NOT_FOUND)
    group_id = id_or_none(request.GET.get("group"))
    status = request.GET.get("status", "")[:16]
    q = clean_query_text(request.GET.get("q", ""))[:50]
    rows = selectors.experience_list(
        visible_experiences(request.user), campaign, group_id=group_id, status=status, q=q
    )
    return render(
        request,
        "supervision/experiences.html",
        {
            "campaign": campaign,
            "rows": rows,
            "groups": groups,
            "statuses": ExperienceStatus.choices,
            "group_id": group_id,
            "status": status,
            "q": q,
        },
    )


@login_required
def experience_new(request, participation_id):
    p = get_participation_as(request.user, participation_id, GROUP)
    form = ExperienceForm(
        request.POST or None,
        request.FILES or None,
        visits=visible_visits(request.user).filter(participation=p).order_by("-happened_on"),
        documents=visible_documents(request.user).filter(participation=p).order_by("-pk"),
        initial={"client_token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exp, created = experiences.nominate_experience(
                actor=request.user,
                participation=p,
                title=data["title"],
                practice=data["practice"],
                evidence=data["evidence"],
                visits=data["visits"],
                documents=data["documents"],
                files=data["files"] or [],
                client_token=data["client_token"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "已推荐，待活动办审核。" if created else "这份推荐此前已收到，没有重复推荐。",
            )
            return redirect("supervision:experience", exp.pk)
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
    return render(request, "supervision/experience_new.html", {"p": p, "form": form})


ACTIONS = {
    "approve": (experiences.approve_experience, "已审定。"),
    "publish": (experiences.publish_experience, "已发布，可供简报选用。"),
    "renominate": (experiences.renominate_experience, "已重新报送活动办。"),
}


def _may_list(user, exp) -> bool:
    scope = scope_for(user)
    return (
        scope.is_superuser
        or exp.campaign_id in scope.read_all_campaigns
        or exp.group_id in scope.groups
    )


@login_required
def experience_detail(request, experience_id):
    exp = get_experience_for_user(request.user, experience_id)
    permits = experience_permits(request.user, exp)
    edit_form = ExperienceEditForm(
        initial={
            "title": exp.title,
            "practice": exp.practice,
            "evidence": exp.evidence,
            "version": exp.version,
        }
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("edit", "return", *ACTIONS):
            raise Http404(NOT_FOUND)
        if not permits.may(action) and not permits.refused_by_state(action):
            raise Http404(NOT_FOUND)
        try:
            if action == "edit":
                edit_form = ExperienceEditForm(request.POST, request.FILES)
                if not edit_form.is_valid():
                    raise DomainError(_form_errors(edit_form))
                d = edit_form.cleaned_data
                experiences.edit_experience(
                    actor=request.user,
                    experience=exp,
                    title=d["title"],
                    practice=d["practice"],
                    evidence=d["evidence"],
                    files=d["files"] or [],
                    expected_version=d["version"],
                )
                done = "已保存修改。"
            else:
                form = ExperienceDecisionForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_form_errors(form))
                version = form.cleaned_data["version"]
                if action == "return":
                    experiences.return_experience(
                        actor=request.user,
                        experience=exp,
                        reason=form.cleaned_data["reason"],
                        expected_version=version,
                    )
                    done = "已退回督导组，并写明了理由。"
                else:
                    call, done = ACTIONS[action]
                    call(actor=request.user, experience=exp, expected_version=version)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("supervision:experience", exp.pk)
    return render(
        request,
        "supervision/experience.html",
        {
            "exp": exp,
            "p": exp.participation,
            # The campaign's list is the office's, the leading group's and the groups' (a unit
            # opens only its own published experience).
            "may_list": _may_list(request.user, exp),
            "permits": permits,
            "edit_form": edit_form,
            "decision_form": ExperienceDecisionForm(initial={"version": exp.version}),
            "attachments": exp.attachments.all(),
            # Only the linked records this user may open (a unit sees its published experience,
            # not the group's visit notes).
            "visits": exp.visits.filter(pk__in=visible_visits(request.user).values("pk")),
            "documents": exp.documents.filter(pk__in=visible_documents(request.user).values("pk")),
        },
    )


@login_required
def experience_file(request, attachment_id):
    found = get_in_scope_or_404(
        ExperienceAttachment.objects.filter(experience__in=visible_experiences(request.user)),
        attachment_id,
    )
    return FileResponse(found.file.open("rb"), filename=found.original_name, as_attachment=True)
