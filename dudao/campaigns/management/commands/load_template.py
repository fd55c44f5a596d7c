from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dudao.campaigns.template_loader import (
    TemplateInvalid,
    builtin_template_paths,
    load_template,
    validate_template_file,
)


class Command(BaseCommand):
    help = "校验并载入活动模板文件（YAML）。--all 载入全部内置模板；--check 只校验不载入。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="模板文件路径")
        parser.add_argument("--all", action="store_true", help="载入全部内置模板")
        parser.add_argument("--check", action="store_true", help="只校验，不写入数据库")

    def handle(self, *args, paths, all, check, **options):
        targets = list(paths) + ([str(p) for p in builtin_template_paths()] if all else [])
        if not targets:
            raise CommandError("请给出模板文件路径，或使用 --all。")
        failed = 0
        for path in targets:
            if check:
                _data, errors = validate_template_file(path)
                if errors:
                    failed += 1
                    self.stderr.write(str(TemplateInvalid(path, errors)))
                else:
                    self.stdout.write(self.style.SUCCESS(f"校验通过：{path}"))
                continue
            try:
                template, created = load_template(actor=None, path=path)
            except TemplateInvalid as exc:
                failed += 1
                self.stderr.write(str(exc))
                continue
            verb = "已载入" if created else "已存在，未改动"
            self.stdout.write(self.style.SUCCESS(f"{verb}：{template}"))
        if failed:
            raise CommandError(f"{failed} 个模板文件未通过校验。")
