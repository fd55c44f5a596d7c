from __future__ import annotations

from django.core.management.base import BaseCommand

from dudao.supervision.docx_export import DEFAULT_TEMPLATE, build_default_template


class Command(BaseCommand):
    help = "重新生成督导组周报的默认 Word 模板（活动办可另备模板，见 DUDAO_WEEKLY_REPORT_DOCX）。"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(DEFAULT_TEMPLATE))

    def handle(self, *args, out, **options):
        from pathlib import Path

        path = build_default_template(Path(out))
        self.stdout.write(f"已生成 {path}")
