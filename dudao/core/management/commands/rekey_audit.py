from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from dudao.core.audit import rekey_chain


class Command(BaseCommand):
    help = (
        "先按原哈希方式（启用密钥前的无密钥哈希，或 --old-key-env 指定的旧密钥）校验审计链，"
        "再用当前 DUDAO_AUDIT_KEY 重算全部哈希。升级到带密钥的审计链或更换密钥时运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--old-key-env",
            metavar="VAR",
            help="更换密钥时：保存旧密钥的环境变量名（不写在命令行上，以免进入 shell 历史）",
        )

    def handle(self, *args, **options):
        old_key = None
        if options.get("old_key_env"):
            value = os.environ.get(options["old_key_env"], "")
            if not value:
                raise CommandError(f"环境变量 {options['old_key_env']} 为空。")
            old_key = value.encode("utf-8")
        try:
            count, old_head, new_head = rekey_chain(old_key=old_key)
        except ValueError as exc:
            raise CommandError(f"原审计链未通过校验，未做任何改动：{exc}") from exc
        if old_head == new_head:
            # Run with the key the chain already had: nothing changed, published heads hold.
            self.stdout.write(
                self.style.SUCCESS(
                    f"已核对 {count} 条审计事件：密钥未变，链头仍为 {new_head}，"
                    "此前发布的链头继续有效。"
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已用新密钥重算 {count} 条审计事件。原链头 {old_head}，新链头 {new_head}。"
                "此前发布的链头已失效：请立即运行 publish_audit_head 并另存旧链头文件。"
            )
        )
