"""To-do providers for the transitions app: 补课 notices, send-backs, the queue, extensions."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from dudao.core.todo import Todo
from dudao.orgs.access import scope_for
from dudao.transitions.models import (
    ApplicationStatus,
    ExtensionStatus,
    PhaseExtension,
    RemedialOrder,
    TransitionApplication,
)

from ._common import _any, _template, _today

# --- transitions: 补课, send-backs, the queue, extensions --------------------------------------


def remedial_q(user):
    units = scope_for(user).units
    if not units:
        return RemedialOrder.objects.none()
    return RemedialOrder.objects.filter(participation__unit_id__in=units, closed_at__isnull=True)


def remedial_items(user):
    return [
        Todo(
            section="补课通知",
            title=f"{o.participation.unit_name}：{o.phase_name}须补课",
            url_name="transitions:unit",
            url_args=(o.participation_id,),
            reason=f"补课内容：{o.work}（理由：{o.reason}）",
            due=o.deadline,
            light="red" if o.deadline < _today() else "",
        )
        for o in _with_phase_names(user, remedial_q(user).select_related("participation"))
    ]


def _with_phase_names(user, orders):
    orders = list(orders)
    for o in orders:
        data = _template(user, o.participation.campaign_id).data
        phases = {p.get("code"): p.get("name") for p in data.get("phases", [])}
        o.phase_name = phases.get(o.phase, "本阶段")
    return orders


def sent_back_q(user):
    units = scope_for(user).units
    if not units:
        return TransitionApplication.objects.none()
    later = TransitionApplication.objects.filter(
        participation_id=OuterRef("participation_id"), submitted_at__gt=OuterRef("submitted_at")
    )
    return TransitionApplication.objects.filter(
        participation__unit_id__in=units, status=ApplicationStatus.SENT_BACK
    ).exclude(Exists(later))


def sent_back_items(user):
    return [
        Todo(
            section="转段申请被退回",
            title=f"{a.participation.unit_name}：第{a.attempt}次转段申请被退回",
            url_name="transitions:unit",
            url_args=(a.participation_id,),
            reason=f"退回理由：{a.office_comment}",
            since=a.office_decided_at,
        )
        for a in sent_back_q(user).select_related("participation")
    ]


def queue_q(user):
    scope = scope_for(user)
    parts = []
    if scope.groups:
        parts.append(
            Q(status=ApplicationStatus.SUBMITTED, participation__group_id__in=scope.groups)
        )
    if scope.office_campaigns:
        parts.append(Q(status=ApplicationStatus.FORWARDED, campaign_id__in=scope.office_campaigns))
    if scope.is_superuser:
        parts = [Q(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.FORWARDED])]
    return TransitionApplication.objects.filter(_any(parts))


def queue_items(user):
    return [
        Todo(
            section="待审核的转段申请",
            title=f"{a.participation.unit_name}：第{a.attempt}次转段申请（{a.get_status_display()}）",
            url_name="transitions:application",
            url_args=(a.pk,),
            since=a.waiting_since,
        )
        for a in queue_q(user).select_related("participation").order_by("waiting_since")[:100]
    ]


def extensions_q(user):
    scope = scope_for(user)
    if scope.is_superuser:
        q = Q()
    elif scope.office_campaigns:
        q = Q(participation__campaign_id__in=scope.office_campaigns)
    else:
        return PhaseExtension.objects.none()
    return PhaseExtension.objects.filter(q, status=ExtensionStatus.PROPOSED)


def extensions_items(user):
    return [
        Todo(
            section="待决定的延期",
            title=f"{e.participation.unit_name}：建议延长{e.days}天",
            url_name="transitions:extension",
            url_args=(e.participation_id,),
            reason=e.reason,
            since=e.proposed_at,
        )
        for e in extensions_q(user).select_related("participation")[:100]
    ]
