"""Overviews and lists: a campaign's and a group's overview, the campaign's list and its
export, and the to-do list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from dudao.campaigns.access import get_campaign_for_user, get_group_for_user
from dudao.core.access import NOT_FOUND
from dudao.core.xlsx import stream_workbook
from dudao.imports.excel import XLSX_MIME
from dudao.orgs.access import scope_for

from .. import rules, selectors
from ..access import visible_items
from ..forms import FilterForm
from ..models import Item, ItemStatus
from ._common import PAGE_SIZE, _today, _with_lights


@login_required
def campaign_overview(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    scope = scope_for(request.user)
    if not (scope.is_superuser or campaign.pk in scope.read_all_campaigns):
        raise Http404(NOT_FOUND)
    # The office and leading group see every item of the campaign (checked above): the counts
    # are the campaign's kept counters.
    overview = selectors.campaign_overview(campaign, _today())
    return render(
        request,
        "rectification/overview.html",
        {
            "title": f"{campaign} 整改落实总览",
            "campaign": campaign,
            "o": overview,
            "rows": overview["groups"],
            "row_label": "督导组",
            "class_names": dict(rules.class_choices(campaign.template)),
            "lights": rules.LIGHT_LABELS,
            "list_url": reverse("rectification:campaign_list", args=[campaign.pk]),
        },
    )


@login_required
def group_overview(request, group_id):
    group = get_group_for_user(request.user, group_id)
    # Whoever may see the group sees all its units' items (office, leading group, the group).
    overview = selectors.group_overview(group, Item.objects.all(), _today())
    return render(
        request,
        "rectification/overview.html",
        {
            "title": f"{group.name} 整改落实情况",
            "campaign": group.campaign,
            "o": overview,
            "rows": overview["units"],
            "row_label": "单位",
            "unit_rows": True,
            "class_names": dict(rules.class_choices(group.campaign.template)),
            "lights": rules.LIGHT_LABELS,
            "list_url": reverse("rectification:campaign_list", args=[group.campaign_id]),
        },
    )


def _campaign_items(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    items = visible_items(request.user).filter(campaign=campaign)
    form = FilterForm(request.GET or None)
    params = form.params() if request.GET else {}
    qs = selectors.filtered(items, campaign.template, _today(), params)
    return campaign, form, qs


@login_required
def campaign_list(request, campaign_id):
    campaign, form, qs = _campaign_items(request, campaign_id)
    items = _with_lights(list(qs[:PAGE_SIZE]), campaign.template, _today())
    return render(
        request,
        "rectification/list.html",
        {
            "campaign": campaign,
            "form": form,
            "items": items,
            "more": len(items) == PAGE_SIZE,
            "class_names": dict(rules.class_choices(campaign.template)),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def campaign_list_export(request, campaign_id):
    campaign, _form, qs = _campaign_items(request, campaign_id)
    names = dict(rules.class_choices(campaign.template))
    header = [
        "单位",
        "序号",
        "存在问题",
        "整改类别",
        "牵头责任人",
        "完成时限",
        "原定时限",
        "状态",
        "红黄绿",
        "办结日期",
    ]

    def rows():
        for item in qs.iterator(chunk_size=2000):
            yield (
                item.participation.unit_name,
                item.number,
                item.problem,
                names.get(item.rect_class, item.rect_class),
                item.lead_name,
                item.deadline,
                item.original_deadline if item.extended else None,
                item.get_status_display(),
                rules.LIGHT_LABELS[item.light],
                item.closed_on,
            )

    response = StreamingHttpResponse(
        stream_workbook("整改事项", header, rows(), widths=[24, 6, 48, 10, 12, 12, 12, 12, 12, 12]),
        content_type=XLSX_MIME,
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''rectification.xlsx"
    return response


@login_required
def todo(request):
    mine = list(
        visible_items(request.user)
        .filter(owner=request.user)
        .exclude(status__in=[ItemStatus.CLOSED, ItemStatus.EXPLAINED])
        .select_related("participation__campaign__template")
        .order_by("deadline", "pk")[:PAGE_SIZE]
    )
    today = _today()
    for item in mine:
        _with_lights([item], item.participation.campaign.template, today)
    return render(
        request,
        "rectification/todo.html",
        {"reminders": selectors.todo_reminders(request.user), "mine": mine},
    )
