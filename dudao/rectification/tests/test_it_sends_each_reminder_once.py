"""催办: the job run twice sends each reminder once; it escalates owner → unit head → group →
office by days overdue (template data); reminders show on the item and in the to-do list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from dudao.rectification import actions
from dudao.rectification.models import Reminder
from dudao.rectification.reminders import send_reminders

from .helpers import new_item

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2005, 5, 20)


@pytest.fixture
def emails(cast2005):
    for key in ("member", "unit_head", "group_leader", "group_member", "office"):
        user = cast2005.user(key)
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    return cast2005


def test_it_sends_each_reminder_once_when_run_twice(emails):
    cast = emails
    item = new_item(cast, deadline=DEADLINE)
    first = send_reminders(today=DEADLINE + dt.timedelta(days=8))
    # 8 days overdue: the owner's step (1) and the unit head's (7); not yet the group (14).
    assert first.created == 2
    assert sorted(Reminder.objects.values_list("recipient", flat=True)) == ["owner", "unit_head"]
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.cn", "unit_head@example.cn"]
    second = send_reminders(today=DEADLINE + dt.timedelta(days=8))
    assert second.created == 0 and second.mails == 0
    assert len(mail.outbox) == 2
    # Later on, only the new steps go out.
    third = send_reminders(today=DEADLINE + dt.timedelta(days=30))
    assert third.created == 2  # group (14) and office (30)
    assert Reminder.objects.filter(item=item).count() == 4
    assert {m.to[0] for m in mail.outbox[2:]} == {
        "group_leader@example.cn",
        "group_member@example.cn",
        "clerk@example.cn",
    }


def test_it_reminds_the_owner_before_the_deadline_and_not_after_closing(emails):
    cast = emails
    item = new_item(cast, deadline=DEADLINE)
    assert send_reminders(today=DEADLINE - dt.timedelta(days=4)).created == 0
    assert send_reminders(today=DEADLINE - dt.timedelta(days=3)).created == 1
    assert send_reminders(today=DEADLINE - dt.timedelta(days=1)).created == 0
    actions.explain_item(actor=cast.user("liaison"), item=item, explanation="已说明")
    assert send_reminders(today=DEADLINE + dt.timedelta(days=40)).created == 0


def test_it_starts_again_after_an_extension(emails):
    cast = emails
    item = new_item(cast, deadline=DEADLINE)
    send_reminders(today=DEADLINE + dt.timedelta(days=2))
    actions.request_extension(
        actor=cast.user("member"),
        item=item,
        new_deadline=DEADLINE + dt.timedelta(days=30),
        reason="等批复",
    )
    actions.decide_extension(actor=cast.user("group_leader"), item=item, approve=True)
    assert send_reminders(today=DEADLINE + dt.timedelta(days=3)).created == 0
    assert send_reminders(today=DEADLINE + dt.timedelta(days=31)).created == 1


def test_it_shows_reminders_on_the_item_and_in_the_todo_list(emails, client):
    cast = emails
    item = new_item(cast, deadline=DEADLINE)
    call_command("send_rectification_reminders", "--date", "2005-05-28")
    client.force_login(cast.user("unit_head"))
    assert (
        "催办单位主要负责人（逾期 8 天）"
        in client.get(f"/rectification/items/{item.pk}/").content.decode()
    )
    todo = client.get("/rectification/todo/").content.decode()
    assert f"/rectification/items/{item.pk}/" in todo
    client.force_login(cast.user("member"))
    assert "第1项" in client.get("/rectification/todo/").content.decode()


def test_the_worker_runs_the_reminders_as_a_periodic_job(db):
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    from dudao.rectification.reminders import send_reminders

    job = settings.DUDAO_PERIODIC_JOBS["rectification.send_reminders"]
    assert import_string(job["func"]) is send_reminders
    call_command("sync_periodic_jobs", verbosity=0)
    call_command("sync_periodic_jobs", verbosity=0)
    assert Schedule.objects.filter(name="periodic:rectification.send_reminders").count() == 1


def test_it_mails_in_batches_one_message_per_recipient(emails, monkeypatch):
    from dudao.rectification import reminders

    cast = emails
    for n in range(3):
        new_item(cast, deadline=DEADLINE - dt.timedelta(days=n))
    monkeypatch.setattr(reminders, "MAIL_BATCH", 2)  # five recipients: three connections
    opened = []
    real = reminders.get_connection

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reminders, "get_connection", counting)
    outcome = send_reminders(today=DEADLINE + dt.timedelta(days=30))
    assert outcome.created == 12  # four steps for each of the three items
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert len(recipients) == len(set(recipients)) == outcome.mails == 5
    assert len(opened) == 3
    assert all("3 项" in m.subject for m in mail.outbox)
