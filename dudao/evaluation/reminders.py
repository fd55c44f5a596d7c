"""Deadline reminders of organisational-handling cases (issue 12 §8): a periodic job of the task
queue (``DUDAO_PERIODIC_JOBS["evaluation.send_case_reminders"]``) or the command
``send_case_reminders``; idempotent like the rectification reminders.

A case waiting for a deadline (限期改正 → 到期复查) is reminded on each of the template's
``remind_before_days`` of the step that set the deadline, and once when the deadline has passed
without the next step. Each (case, deadline, days) is filed at most once — the unique key turns
a second run, or two runs at once, into no-ops — and mailed after commit to the unit head and
the branch secretary.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.core.audit import record_event
from dudao.orgs.models import Role, RoleAssignment

from .models import CaseReminder, CaseStatus, HandlingCase

OVERDUE = -1


def due_reminders(case: HandlingCase, today: dt.date) -> int | None:
    """The reminder due today for the case (days before the deadline, or OVERDUE), or None.
    Of several thresholds passed, the closest one: a job that missed a day sends one mail."""
    if case.deadline is None or case.status != CaseStatus.OPEN:
        return None
    left = (case.deadline - today).days
    if left < 0:
        return OVERDUE
    passed = [int(d) for d in case.remind_before_days or [] if left <= int(d)]
    return min(passed) if passed else None


def send_case_reminders(*, today: dt.date | None = None, actor=None) -> int:
    today = today or timezone.localdate()
    created: list[CaseReminder] = []
    with transaction.atomic():
        cases = HandlingCase.objects.filter(
            status=CaseStatus.OPEN, deadline__isnull=False
        ).select_related("person", "participation", "branch")
        for case in cases:
            days = due_reminders(case, today)
            if days is None:
                continue
            try:
                with transaction.atomic():
                    created.append(
                        CaseReminder.objects.create(
                            case=case, deadline=case.deadline, days_before=days, sent_on=today
                        )
                    )
            except IntegrityError:
                continue  # sent before (or by a run at the same time)
        if created:
            record_event(
                actor=actor,
                action="evaluation.case.reminders",
                target_type="evaluation.casereminder",
                target_id=created[0].pk,
                target_label=f"组织处理期限提醒 {len(created)} 条",
                data={"on": today.isoformat(), "created": len(created)},
            )
    if created:
        transaction.on_commit(lambda: _mail(created))
    return len(created)


def _mail(reminders: list[CaseReminder]) -> None:
    units = {r.case.participation.unit_id for r in reminders}
    branches = {r.case.branch_id for r in reminders}
    users: dict[tuple[str, int], list[int]] = defaultdict(list)
    for role, org, user_id in RoleAssignment.objects.filter(
        role__in=[Role.UNIT_HEAD, Role.BRANCH_SECRETARY], organisation_id__in=units | branches
    ).values_list("role", "organisation_id", "user_id"):
        users[(role, org)].append(user_id)
    emails = dict(get_user_model().objects.exclude(email="").values_list("pk", "email"))
    for r in reminders:
        case = r.case
        to = {
            emails[u]
            for u in users[(Role.UNIT_HEAD, case.participation.unit_id)]
            + users[(Role.BRANCH_SECRETARY, case.branch_id)]
            if u in emails
        }
        if not to:
            continue
        when = (
            "已逾期" if r.days_before == OVERDUE else f"还有 {(r.deadline - r.sent_on).days} 天到期"
        )
        send_mail(
            f"组织处理期限提醒：{case.person.name}",
            f"{case.branch.name}党员{case.person.name}的组织处理改正期限为 "
            f"{r.deadline:%Y年%m月%d日}，{when}。请按程序进行到期复查并记录。",
            None,
            sorted(to),
            fail_silently=True,
        )
