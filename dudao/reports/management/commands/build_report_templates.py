from __future__ import annotations

from django.core.management.base import BaseCommand

from dudao.reports.doc_templates import build
from dudao.reports.documents import SHIPPED


class Command(BaseCommand):
    help = "重新生成报表的 Word 模板（简报、阶段小结、总结报告）"

    def handle(self, *args, **options):
        for path in build(SHIPPED):
            self.stdout.write(f"已生成 {path.name}")
