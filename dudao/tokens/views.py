"""The office's page of API tokens: make one (its secret shown once), revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.access import NOT_FOUND
from dudao.core.errors import DomainError

from . import actions
from .access import get_token_for_user, may_manage, token_permits, visible_tokens


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100)
    expires_on = forms.DateField(
        label="有效期至（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label="吊销原因", max_length=500, required=False)


@login_required
def token_list(request):
    if not may_manage(request.user):
        raise Http404(NOT_FOUND)
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"已建立接口令牌“{token.name}”。令牌只显示这一次，请立即复制保存。"
            )
            form = TokenForm()
    tokens = list(visible_tokens(request.user).select_related("user", "revoked_by"))
    return render(
        request,
        "tokens/list.html",
        {"form": form, "tokens": tokens, "secret": secret, "revoke_form": RevokeForm()},
    )


@login_required
@require_POST
def token_revoke(request, token_id):
    token = get_token_for_user(request.user, token_id)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not token_permits(request.user, token).may("revoke"):
        messages.error(request, token_permits(request.user, token).reason("revoke"))
        return redirect("tokens:list")
    try:
        actions.revoke_token(actor=request.user, token=token, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销接口令牌“{token.name}”。")
    return redirect("tokens:list")
