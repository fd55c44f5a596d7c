"""催办: the idempotent reminder job (issue 11 §5).

``send_reminders(today=...)`` may run any number of times a day, from the management command
``send_rectification_reminders`` or as a periodic job of the task queue. For every open item it
files the reminders the template's ladder calls for — before the deadline to the owner
(``remind_before_days``), and from N days overdue to the owner, the unit head, the group and
the office (``escalation``) — each at most once per item, step and deadline: the rows are
written by one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per step against the unique key
(item, rule, deadline), so a second run, or two runs at once, send nothing twice. An approved
extension moves the deadline, and the ladder starts again for the new one.

Mail goes after commit through Django's mail backend, one message per recipient per run,
listing that recipient's newly reminded items (at most ``MAIL_LIST`` per kind, the rest
counted), sent in batches of ``MAIL_BATCH`` messages per connection.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from dudao.campaigns.models import Campaign
from dudao.core.audit import record_event

from . import rules
from .models import Item, ItemStatus, Reminder, ReminderRun

log = logging.getLogger(__name__)

RECIPIENT_WORDS = {
    "owner": "您负责的整改事项",
    "unit_head": "本单位的整改事项",
    "group": "督导单位的整改事项",
    "office": "活动的整改事项",
}


@dataclass(frozen=True)
class ReminderOutcome:
    run_id: int
    created: int
    mails: int


def _steps(spec: dict) -> list[tuple[str, str, int, int | None]]:
    """(rule key, recipient, lowest days overdue, highest days overdue or None)."""
    steps = []
    for days in spec.get("remind_before_days") or []:
        # "before-3": 3 to 1 days before the deadline (days overdue -3 … -1).
        steps.append((f"before-{int(days)}", "owner", -int(days), -1))
    for step in spec.get("escalation") or []:
        days = int(step["days_overdue"])
        steps.append((f"overdue-{days}-{step['to']}", step["to"], days, None))
    return steps


def _insert_step(
    *,
    run: ReminderRun,
    campaign_id: int,
    rule: str,
    recipient: str,
    low: int,
    high: int | None,
    today: dt.date,
    now,
) -> int:
    items = Item._meta.db_table
    reminders = Reminder._meta.db_table
    # days overdue = today - deadline; low ≤ days overdue ≤ high  ⇔  deadline window.
    latest = today - dt.timedelta(days=low)
    if connection.vendor == "postgresql":
        days_sql = "(%s::date - i.deadline)"
    else:
        days_sql = "CAST(julianday(%s) - julianday(i.deadline) AS INTEGER)"
    sql = (
        f"INSERT INTO {reminders} (item_id, rule, deadline, recipient, days_overdue, run_id, "
        f"created_at) SELECT i.id, %s, i.deadline, %s, {days_sql}, %s, %s FROM {items} i "
        "WHERE i.campaign_id = %s AND i.status = %s AND i.deadline <= %s"
    )
    params = [rule, recipient, today, run.pk, now, campaign_id, ItemStatus.OPEN, latest]
    if high is not None:
        sql += " AND i.deadline >= %s"
        params.append(today - dt.timedelta(days=high))
    sql += " ON CONFLICT (item_id, rule, deadline) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def send_reminders(*, today: dt.date | None = None, actor=None) -> ReminderOutcome:
    """File and mail every reminder due on ``today`` (default: today) that was not sent yet."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        run = ReminderRun.objects.create(on_date=today)
        created = 0
        campaigns = Campaign.objects.filter(
            pk__in=Item.objects.filter(status=ItemStatus.OPEN).values("campaign_id")
        ).select_related("template")
        for campaign in campaigns:
            for rule, recipient, low, high in _steps(rules.spec_of(campaign.template)):
                created += _insert_step(
                    run=run,
                    campaign_id=campaign.pk,
                    rule=rule,
                    recipient=recipient,
                    low=low,
                    high=high,
                    today=today,
                    now=now,
                )
        run.created = created
        run.save(update_fields=["created"])
        if created:
            record_event(
                actor=actor,
                action="rectification.reminders",
                target=run,
                data={"on": today.isoformat(), "created": created},
            )
    mails = _mail_run(run) if created else 0
    if mails:
        ReminderRun.objects.filter(pk=run.pk).update(mails=mails)
    return ReminderOutcome(run.pk, created, mails)


MAIL_LIST = 10  # items listed per kind in one mail; the rest are counted ("另有 N 项")
SCOPE_FIELDS = {
    "owner": "item__owner_id",
    "unit_head": "item__participation__unit_id",
    "group": "item__participation__group_id",
    "office": "item__campaign_id",
}


def _users_of(kind: str, scopes: set) -> dict[int, list[int]]:
    """scope id → user ids (for owners the scope is the user)."""
    from dudao.orgs.models import Role, RoleAssignment

    if kind == "owner":
        return {uid: [uid] for uid in scopes}
    if kind == "unit_head":
        rows = RoleAssignment.objects.filter(role=Role.UNIT_HEAD, organisation_id__in=scopes)
        pairs = rows.values_list("organisation_id", "user_id")
    elif kind == "group":
        rows = RoleAssignment.objects.filter(
            role__in=[Role.GROUP_LEADER, Role.GROUP_MEMBER], group_id__in=scopes
        )
        pairs = rows.values_list("group_id", "user_id")
    else:
        rows = RoleAssignment.objects.filter(role=Role.OFFICE, campaign_id__in=scopes)
        pairs = rows.values_list("campaign_id", "user_id")
    out: dict[int, list[int]] = defaultdict(list)
    for scope, uid in pairs:
        out[scope].append(uid)
    return out


def _mail_run(run: ReminderRun) -> int:
    """One mail per recipient: per kind of reminder, a count and the first items (most overdue
    first). A fixed number of queries; only the listed rows leave the database."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, F, Window
    from django.db.models.functions import RowNumber

    per_user: dict[int, list[tuple[int, list[dict]]]] = defaultdict(list)
    for kind, field in SCOPE_FIELDS.items():
        base = Reminder.objects.filter(run=run, recipient=kind, **{f"{field}__isnull": False})
        totals = dict(base.values(field).annotate(n=Count("pk")).values_list(field, "n").order_by())
        if not totals:
            continue
        listed: dict[int, list[dict]] = defaultdict(list)
        rows = (
            base.annotate(
                rn=Window(
                    RowNumber(),
                    partition_by=[F(field)],
                    order_by=[F("days_overdue").desc(), F("pk").asc()],
                )
            )
            .filter(rn__lte=MAIL_LIST)
            .values(
                field,
                "days_overdue",
                "item__number",
                "item__problem",
                "item__deadline",
                "item__participation__unit_name",
            )
        )
        for row in rows:
            listed[row[field]].append(row)
        for scope, users in _users_of(kind, set(totals)).items():
            for uid in users:
                per_user[uid].append((totals[scope], listed.get(scope, [])))
    if not per_user:
        return 0
    emails = dict(
        get_user_model()
        .objects.filter(pk__in=list(per_user), is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    messages = []
    for uid, parts in per_user.items():
        if uid not in emails:
            continue
        lines = []
        total = 0
        for count, rows in parts:
            total += count
            for row in rows:
                lines.append(_line(row))
            if count > len(rows):
                lines.append(f"……另有 {count - len(rows)} 项，请登录督导通查看。")
        body = "以下整改事项需要督办：\n\n" + "\n".join(lines) + "\n\n请登录督导通查看并推进。"
        messages.append(
            EmailMessage(f"【整改催办】{total} 项整改事项需要推进", body, to=[emails[uid]])
        )
    return _send_in_batches(messages)


MAIL_BATCH = 200  # messages per connection: a city run mails ~10,000 recipients


def _send_in_batches(messages: list[EmailMessage]) -> int:
    """Send through Django's mail backend, one connection per batch: a mail server that drops a
    long session, or refuses one batch, costs that batch only (logged), not the whole run. The
    reminders stay recorded either way and show in each recipient's to-do list."""
    sent = 0
    for start in range(0, len(messages), MAIL_BATCH):
        batch = messages[start : start + MAIL_BATCH]
        try:
            with get_connection() as conn:
                sent += conn.send_messages(batch) or 0
        except OSError:
            log.exception("整改催办邮件发送失败（本批 %d 封）", len(batch))
    return sent


def _line(row: dict) -> str:
    d = row["item__deadline"]
    days = row["days_overdue"]
    if days > 0:
        when = f"逾期 {days} 天"
    elif days == 0:
        when = "今天到期"
    else:
        when = f"还有 {-days} 天到期"
    return (
        f"· {row['item__participation__unit_name']} 第{row['item__number']}项："
        f"{row['item__problem'][:60]}（完成时限 {d.year}年{d.month}月{d.day}日，{when}）"
    )
