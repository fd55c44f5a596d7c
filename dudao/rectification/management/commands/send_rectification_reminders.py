from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dudao.rectification.reminders import send_reminders


class Command(BaseCommand):
    help = "发送整改催办提醒（可重复运行：同一提醒只发一次）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        outcome = send_reminders(today=today)
        self.stdout.write(f"新增催办 {outcome.created} 条，发送邮件 {outcome.mails} 封")
