"""Account pages: first-login links (office and the account's owner) and password reset."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from dudao.core.errors import DomainError
from dudao.core.permissions import Permits, allow, refuse
from dudao.core.xlsx import stream_workbook

from . import access, actions
from .first_login import first_login_path, user_for_link

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def first_login_links_permits(user, campaign) -> Permits:
    """Who may see and hand out a campaign's first-login links: its office (and superusers)."""
    permits = Permits()
    if access.scope_for(user).can_manage_campaign(campaign.pk):
        return permits.add(allow("view_links"))
    return permits.add(refuse("view_links", "只有活动办公室可以发放首次登录链接。"))


def _links(request, campaign):
    first_login_links_permits(request.user, campaign).require("view_links", error=DomainError)
    return [
        (u, request.build_absolute_uri(first_login_path(u)))
        for u in actions.first_login_accounts(campaign)
    ]


def _unit_name(user) -> str:
    person = getattr(user, "person", None)
    unit = person.unit if person is not None else None
    return unit.name if unit is not None else ""


@login_required
def first_login_links(request, campaign_id):
    campaign = access.get_campaign_for_user(request.user, campaign_id)
    if not first_login_links_permits(request.user, campaign).may("view_links"):
        raise PermissionDenied
    return render(
        request,
        "registration/first_login_links.html",
        {
            "campaign": campaign,
            "links": _links(request, campaign),
            "days": settings.DUDAO_FIRST_LOGIN_DAYS,
        },
    )


@login_required
def first_login_links_export(request, campaign_id):
    campaign = access.get_campaign_for_user(request.user, campaign_id)
    if not first_login_links_permits(request.user, campaign).may("view_links"):
        raise PermissionDenied
    rows = (
        (u.username, u.get_full_name() or u.username, _unit_name(u), link)
        for u, link in _links(request, campaign)
    )
    response = StreamingHttpResponse(
        stream_workbook(
            "首次登录链接", ["账号", "姓名", "单位", "首次登录链接"], rows, widths=[16, 12, 30, 90]
        ),
        content_type=XLSX_MIME,
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"first-login.xlsx\"; filename*=UTF-8''{quote('首次登录链接.xlsx')}"
    )
    return response


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
