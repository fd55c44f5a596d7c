from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dudao.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计事件哈希链，指出第一条被篡改或缺失的事件。"

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"审计链校验失败：{broken}（此前 {checked} 条完好）")
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {checked} 条事件。"))
