from __future__ import annotations

from django.core.management.base import BaseCommand

from dudao.evaluation.reminders import send_case_reminders


class Command(BaseCommand):
    help = "发送组织处理期限提醒（可重复运行，同一提醒只发一次）"

    def handle(self, *args, **options):
        n = send_case_reminders()
        self.stdout.write(f"新发提醒 {n} 条")
