from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dudao.core.audit import read_anchors, verify_anchors, verify_chain


class Command(BaseCommand):
    help = (
        "校验审计事件哈希链（含密钥），指出第一条未通过校验的事件及未通过的检查；"
        "--anchors 文件：再核对其中发布过的每个链头仍在链中。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            metavar="FILE",
            help="publish_audit_head 写出的链头文件，逐条核对",
        )

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"审计链校验失败：{broken}（此前 {checked} 条完好）")
        anchors_note = ""
        if options.get("anchors"):
            try:
                anchors = read_anchors(options["anchors"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取链头文件：{exc}") from exc
            broken = verify_anchors(anchors)
            if broken is not None:
                raise CommandError(f"审计链校验失败：{broken}")
            anchors_note = f"，已发布的 {len(anchors)} 个链头均在链中"
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {checked} 条事件{anchors_note}。"))
