"""python manage.py load_template [--all] [--check] [PATH …]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dudao.campaigns.template_loader import (
    TemplateInvalid,
    builtin_template_paths,
    load_template_file,
    validate_template_file,
)


class Command(BaseCommand):
    help = (
        "校验并载入活动模板文件（YAML）。--all 载入全部内置模板（可重复执行）；"
        "--check 只校验，不写入数据库。有错误时列出文件、字段和原因，并以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help="模板文件路径")
        parser.add_argument("--all", action="store_true", help="载入全部内置模板")
        parser.add_argument("--check", action="store_true", help="只校验，不写入数据库")

    def handle(self, *args, paths, all, check, **options):
        targets = list(paths) + ([str(p) for p in builtin_template_paths()] if all else [])
        if not targets:
            raise CommandError("请给出模板文件路径，或使用 --all 载入全部内置模板。")
        failed = 0
        for path in targets:
            try:
                if check:
                    clean, errors = validate_template_file(path)
                    if errors:
                        raise TemplateInvalid(path, errors)
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"校验通过：{path}（{clean['code']} 版本 {clean['version']}）"
                        )
                    )
                    continue
                template, created = load_template_file(actor=None, path=path)
            except TemplateInvalid as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(exc.message))
                continue
            verb = "已载入" if created else "已存在，未改动"
            self.stdout.write(self.style.SUCCESS(f"{verb}：{template}（{path}）"))
        if failed:
            raise CommandError(f"{failed} 个模板文件未通过校验，见上方错误。")
