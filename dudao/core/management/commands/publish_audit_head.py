from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from dudao.core.audit import publish_head


class Command(BaseCommand):
    help = (
        "把审计链当前链头（序号、哈希、时间）追加写入数据库之外的文件并打印；"
        "可由 cron 定时运行（见 docs/deployment.md）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            help="链头文件路径（默认 DUDAO_AUDIT_ANCHOR_FILE）",
        )

    def handle(self, *args, **options):
        path = options.get("file") or settings.DUDAO_AUDIT_ANCHOR_FILE
        record = publish_head(path)
        self.stdout.write(json.dumps(record, ensure_ascii=False, sort_keys=True))
        self.stderr.write(f"已写入 {path}")
