"""Account pages: first-login links (office and the account's owner) and password reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from dudao.core.errors import DomainError

from . import actions
from .first_login import user_for_link

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@sensitive_post_parameters()
@never_cache
def first_login(request, uidb64, token):
    user = user_for_link(uidb64, token)
    if user is None:
        return render(request, "registration/first_login_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_first_password(
                actor=user, user=user, password=form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("login")
        messages.success(request, "密码已设置，请用新密码登录。")
        return redirect("login")
    return render(request, "registration/first_login.html", {"form": form, "account": user})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; the password it sets is an audited change."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            actions.record_password_reset(user=form.user)
        return response
