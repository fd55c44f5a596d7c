from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dudao.core.errors import DomainError
from dudao.imports import roster, samples
from dudao.imports.excel import FileRejected


class Command(BaseCommand):
    help = (
        "从 Excel 导入组织、人员和角色名册（与网页导入相同的校验）。有错误时列出全部错误且不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument(
            "--only-valid", action="store_true", help="只导入无误的行（有错误的行及其下级跳过）"
        )
        parser.add_argument("--actor", default="admin", help="记在谁的名下（账号，默认 admin）")
        parser.add_argument(
            "--template",
            action="store_true",
            help="不导入：把名册模板（与网页下载的相同，含示例行）写到 file，填好后再导入",
        )

    def handle(self, *args, file, only_valid, actor, template, **options):
        if template:
            Path(file).write_bytes(samples.roster_template())
            self.stdout.write(self.style.SUCCESS(f"已写出名册模板：{file}"))
            return
        user = get_user_model().objects.filter(username=actor).first()
        if user is None:
            raise CommandError(f"账号“{actor}”不存在：请用 --actor 指定一个存在的账号。")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror}") from None

        def report(stage, done, total):
            pct = int(done * 100 / total) if total else 100
            sys.stderr.write(f"\r{stage} {done}/{total} ({pct}%)   ")
            sys.stderr.flush()

        try:
            plan, lookups = roster.check(data, report)
        except FileRejected as exc:
            raise CommandError(str(exc)) from None
        sys.stderr.write("\n")
        for p in plan.problems[:500]:
            self.stderr.write(f"{p.sheet} 第 {p.row} 行 {p.column}：{p.message}")
        if len(plan.problems) > 500:
            self.stderr.write(f"…… 另有 {len(plan.problems) - 500} 处问题")
        if plan.bad and not only_valid:
            raise CommandError(
                f"共 {len(plan.problems)} 处问题，未导入任何数据。改正后重试，或加 --only-valid。"
            )
        try:
            summary = roster.apply(
                plan,
                lookups,
                actor=user,
                only_valid=only_valid,
                file_name=path.name,
                progress=report,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        sys.stderr.write("\n")
        self.stdout.write(self.style.SUCCESS(summary_text(summary)))


# The figures of an import in the order and words of the import page (_job_status.html).
SUMMARY_LABELS = (
    ("orgs_created", "新增组织"),
    ("orgs_updated", "更新组织"),
    ("orgs_unchanged", "组织未变"),
    ("people_created", "新增人员"),
    ("people_updated", "更新人员"),
    ("people_unchanged", "人员未变"),
    ("accounts_created", "新建账号"),
    ("roles_created", "新授角色"),
    ("batches_created", "新增批次"),
    ("groups_created", "新增督导组"),
    ("units_enrolled", "新增参加单位"),
    ("units_reassigned", "调整督导组"),
    ("skipped", "跳过（有错误）"),
)


def summary_text(summary: dict) -> str:
    """The figures above zero in Chinese: 导入完成：新增组织 4，新增人员 1……"""
    parts = [f"{label} {summary[key]}" for key, label in SUMMARY_LABELS if summary.get(key)]
    if not summary.get("changed"):
        return "导入完成：内容与系统中一致，没有改动。"
    return "导入完成：" + "，".join(parts) + "。"
