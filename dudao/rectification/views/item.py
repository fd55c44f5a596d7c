"""One rectification item: its page and the steps posted on it (progress, applying to close,
sign-off, extension, explanation), and its attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.access import get_in_scope_or_404
from dudao.core.errors import DomainError

from .. import actions, rules, selectors, sources
from ..access import (
    get_item_for_user,
    item_permits,
    pending_close,
    pending_extension,
    visible_items,
)
from ..forms import (
    CloseForm,
    DecideExtensionForm,
    ExplainForm,
    ExtensionForm,
    ProgressForm,
    SignOffForm,
)
from ..models import Attachment, ItemStatus
from ._common import _form_errors, _today, _with_lights


@login_required
def item_detail(request, item_id):
    item = get_item_for_user(request.user, item_id)
    template = item.participation.campaign.template
    permits = item_permits(request.user, item)
    today = _today()
    _with_lights([item], template, today)
    application = pending_close(item) if item.status == ItemStatus.CLOSING else None
    roles = rules.signoff_roles(template)
    return render(
        request,
        "rectification/item.html",
        {
            "item": item,
            "p": item.participation,
            "permits": permits,
            "class_name": dict(rules.class_choices(template)).get(item.rect_class),
            "source": sources.linked(request.user, item),
            "updates": item.updates.select_related("author").prefetch_related("attachments"),
            "applications": item.close_applications.select_related("applied_by").prefetch_related(
                "signoffs__decided_by"
            ),
            "extensions": item.extensions.select_related("requested_by", "decided_by"),
            "reminders": selectors.reminders_of(item),
            "pending_ext": pending_extension(item),
            "application": application,
            "stage_label": rules.SIGNOFF_LABELS[roles[min(application.stage, len(roles) - 1)]]
            if application
            else "",
            "signoff_chain": "→".join(rules.SIGNOFF_LABELS[r] for r in roles),
            "progress_form": ProgressForm(initial={"happened_on": today}),
            "close_form": CloseForm(),
            "signoff_form": SignOffForm(),
            "extension_form": ExtensionForm(),
            "decide_form": DecideExtensionForm(),
            "explain_form": ExplainForm(),
            "light_label": rules.LIGHT_LABELS[item.light_code],
        },
    )


def _post_action(request, item_id, form_class, run, done: str):
    item = get_item_for_user(request.user, item_id)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("rectification:item", item.pk)
    try:
        run(item, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("rectification:item", item.pk)


@login_required
@require_POST
def item_progress(request, item_id):
    def run(item, data):
        actions.post_progress(
            actor=request.user,
            item=item,
            happened_on=data["happened_on"],
            text=data["text"],
            files=request.FILES.getlist("files"),
        )

    return _post_action(request, item_id, ProgressForm, run, "已记录整改进展。")


@login_required
@require_POST
def item_apply_close(request, item_id):
    def run(item, data):
        actions.apply_to_close(actor=request.user, item=item, evidence=data["evidence"])

    return _post_action(request, item_id, CloseForm, run, "已申请办结，等待审批。")


@login_required
@require_POST
def item_sign_off(request, item_id):
    def run(item, data):
        actions.sign_off_close(
            actor=request.user,
            item=item,
            accept=data["decision"] == "accept",
            reason=data["reason"],
        )

    return _post_action(request, item_id, SignOffForm, run, "审批意见已记录。")


@login_required
@require_POST
def item_extension(request, item_id):
    def run(item, data):
        actions.request_extension(
            actor=request.user, item=item, new_deadline=data["new_deadline"], reason=data["reason"]
        )

    return _post_action(request, item_id, ExtensionForm, run, "已提交延期申请，等待督导组审批。")


@login_required
@require_POST
def item_decide_extension(request, item_id):
    def run(item, data):
        actions.decide_extension(
            actor=request.user,
            item=item,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        )

    return _post_action(request, item_id, DecideExtensionForm, run, "延期审批已记录。")


@login_required
@require_POST
def item_explain(request, item_id):
    def run(item, data):
        actions.explain_item(actor=request.user, item=item, explanation=data["explanation"])

    return _post_action(request, item_id, ExplainForm, run, "已记录情况说明。")


@login_required
def attachment(request, attachment_id):
    att = get_in_scope_or_404(
        Attachment.objects.filter(update__item__in=visible_items(request.user)), attachment_id
    )
    return FileResponse(att.file.open("rb"), filename=att.original_name, as_attachment=False)
