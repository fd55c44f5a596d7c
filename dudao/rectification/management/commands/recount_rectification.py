from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dudao.rectification import counters
from dudao.rectification.models import Item


class Command(BaseCommand):
    help = "重算整改总览计数（--check 只核对不改写；有差异时退出码为 1）"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只处理这一活动（编号）")
        parser.add_argument("--check", action="store_true", help="只核对，列出差异")

    def handle(self, *args, campaign=None, check=False, **options):
        ids = list(Item.objects.order_by().values_list("campaign_id", flat=True).distinct())
        if campaign is not None:
            ids = [campaign]
        differing = 0
        for cid in ids:
            if check:
                found = counters.differences(cid)
                differing += len(found)
                for line in found[:50]:
                    self.stdout.write(f"活动 {cid}：{line}")
                self.stdout.write(
                    f"活动 {cid}：{'计数一致' if not found else f'{len(found)} 处差异'}"
                )
            else:
                n = counters.recount(cid)
                self.stdout.write(
                    f"活动 {cid}：已重算（单位 {n['units']}，分类 {n['classes']}，"
                    f"时限 {n['deadlines']}）"
                )
        if differing:
            raise CommandError(
                f"计数与事项不一致 {differing} 处，请运行 recount_rectification 重算"
            )
