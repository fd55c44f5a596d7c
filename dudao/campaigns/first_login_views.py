"""The office's list of first-login links for a campaign's imported accounts (the links
themselves and the page that uses them are ``dudao.orgs.first_login``). Here, not in orgs,
because the list is a campaign's: orgs sits below campaigns and may not fetch a campaign."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from dudao.core.errors import DomainError
from dudao.core.permissions import Permits, allow, refuse
from dudao.core.xlsx import stream_workbook
from dudao.orgs import actions
from dudao.orgs.access import scope_for
from dudao.orgs.first_login import first_login_path

from .access import get_campaign_for_user

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def first_login_links_permits(user, campaign) -> Permits:
    """Who may see and hand out a campaign's first-login links: its office (and superusers)."""
    permits = Permits()
    if scope_for(user).can_manage_campaign(campaign.pk):
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
    campaign = get_campaign_for_user(request.user, campaign_id)
    if not first_login_links_permits(request.user, campaign).may("view_links"):
        raise Http404("页面不存在或您无权查看")
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
    campaign = get_campaign_for_user(request.user, campaign_id)
    if not first_login_links_permits(request.user, campaign).may("view_links"):
        raise Http404("页面不存在或您无权查看")
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
