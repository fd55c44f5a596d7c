from __future__ import annotations

from django.core.management.base import BaseCommand

from dudao.supervision.docx_export import (
    DEFAULT_TEMPLATE,
    INSPECTION_TEMPLATE,
    build_default_template,
    build_inspection_template,
)


class Command(BaseCommand):
    help = (
        "重新生成督导组周报和巡回检查报告的默认 Word 模板（活动办可另备模板，见 "
        "DUDAO_WEEKLY_REPORT_DOCX、DUDAO_INSPECTION_REPORT_DOCX）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(DEFAULT_TEMPLATE))
        parser.add_argument(
            "--inspection-out",
            default=None,
            help="巡回检查报告模板的输出文件（默认：给了 --out 时写在其旁边，否则为内置模板）",
        )

    def handle(self, *args, out, inspection_out, **options):
        from pathlib import Path

        if inspection_out is None:
            # A template written elsewhere leaves the shipped one alone: both go to --out's folder.
            inspection_out = (
                INSPECTION_TEMPLATE
                if Path(out) == DEFAULT_TEMPLATE
                else Path(out).with_name("巡回检查报告模板.docx")
            )
        for path in (
            build_default_template(Path(out)),
            build_inspection_template(Path(inspection_out)),
        ):
            self.stdout.write(f"已生成 {path}")
