"""The workbench, the to-do list, notifications and their preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render

from dudao.campaigns.models import Campaign, InspectionGroup, SupervisionGroup
from dudao.core.todo import todo_sections
from dudao.orgs.access import scope_for

from .. import actions, selectors
from ..access import visible_problems
from ..forms import PreferencesForm
from ..models import Notification
from ..notify import preferences
from ._common import _link, _today

# --- the workbench and the to-do list ---------------------------------------------------------


@login_required
def home(request):
    """The group's workbench: its units with the buttons of the field (log a visit, record a
    problem, spot-check), and the problems followed."""
    scope = scope_for(request.user)
    units = selectors.workbench_units(request.user)
    problems = selectors.with_lights(
        list(
            visible_problems(request.user)
            .select_related("participation__campaign__template")
            .exclude(status="solved")
            .order_by("deadline")[:100]
        ),
        _today(),
    )
    return render(
        request,
        "supervision/home.html",
        {
            "units": units,
            "problems": problems,
            "groups": SupervisionGroup.objects.filter(pk__in=scope.groups).order_by("code"),
            "office_campaigns": Campaign.objects.filter(pk__in=scope.read_all_campaigns),
            "experience_campaigns": Campaign.objects.filter(
                pk__in=scope.read_all_campaigns | set(scope.group_campaigns.values())
            ),
            "inspection_groups": InspectionGroup.objects.filter(
                Q(pk__in=list(scope.inspection)) | Q(campaign_id__in=scope.read_all_campaigns)
            ).order_by("code"),
        },
    )


@login_required
def todo(request):
    sections = [
        (title, [(t, _link(t.url_name, t.url_args)) for t in items])
        for title, items in todo_sections(request.user)
    ]
    notices = list(Notification.objects.filter(user=request.user, read_at__isnull=True)[:20])
    return render(
        request,
        "supervision/todo.html",
        {
            # This page lists every item already: the navigation's number need not count again.
            "dudao_todo_count": sum(len(items) for _title, items in sections),
            "sections": sections,
            "notices": [(n, _link(n.url_name, [n.url_arg]) if n.url_arg else "") for n in notices],
        },
    )


@login_required
def notifications(request):
    if request.method == "POST":
        actions.mark_notifications_read(actor=request.user)
        messages.success(request, "已全部标为已读。")
        return redirect("supervision:notifications")
    notices = Notification.objects.filter(user=request.user)[:200]
    return render(
        request,
        "supervision/notifications.html",
        {"notices": [(n, _link(n.url_name, [n.url_arg]) if n.url_arg else "") for n in notices]},
    )


@login_required
def preferences_page(request):
    prefs = preferences(request.user)
    form = PreferencesForm(request.POST or None, prefs=prefs)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(
            actor=request.user,
            choices={
                e: (form.cleaned_data[f"app_{e}"], form.cleaned_data[f"mail_{e}"]) for e in prefs
            },
        )
        messages.success(request, "通知设置已保存。")
        return redirect("supervision:preferences")
    rows = [(prefs[e].get_event_display(), form[f"app_{e}"], form[f"mail_{e}"]) for e in prefs]
    return render(
        request,
        "supervision/preferences.html",
        {"form": form, "rows": rows, "has_email": bool(request.user.email)},
    )
