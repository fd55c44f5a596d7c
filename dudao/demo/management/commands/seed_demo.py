from __future__ import annotations

import json
import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from dudao.demo import generator as demo


class Command(BaseCommand):
    help = "生成演示数据（可重复：同一随机种子得到相同数据）。已存在时只列出演示账号；--reset 清空后重建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(demo.SCALES),
            metavar="{small,city}",  # "tiny" exists for the tests only
            default="small",
            help="small：107 个单位、4000 名党员、23 个督导组；city：1 万个单位、40 万名党员、140 个督导组",
        )
        parser.add_argument("--seed", type=int, default=2005, help="随机种子（默认 2005）")
        parser.add_argument(
            "--without-records",
            action="store_true",
            help="只生成组织、党员、督导组和账号，不生成各单位的学习、文书、测评和转段记录（用于基准测试）",
        )
        parser.add_argument(
            "--reset", action="store_true", help="清空数据库全部数据后重建（仅用于演示库！）"
        )

    def handle(self, *args, scale, seed, reset, without_records=False, **options):
        if reset:
            self.stdout.write("清空数据库……")
            call_command("flush", interactive=False, verbosity=0)
            call_command("load_template", "--all", verbosity=0)
        if demo.demo_exists():
            existing = demo.demo_description()
            self.stdout.write(
                f"演示数据已存在（{existing}），未作改动（如需重建请加 --reset）。"
                if existing
                else "演示数据已存在，未作改动（如需重建请加 --reset）。"
            )
            demo.print_accounts(demo.demo_accounts(), self.stdout)
            return
        started, cpu = time.monotonic(), time.process_time()
        accounts = demo.seed(
            scale_name=scale, seed_value=seed, out=self.stdout, with_records=not without_records
        )
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        # CPU time too: on a shared machine the wall time says more about the neighbours.
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成，用时 {seconds:.1f} 秒（本进程 CPU {cpu:.1f} 秒）。"
            )
        )
        demo.print_accounts(accounts, self.stdout)
        # The last line, as the benchmarks print theirs (docs/performance.md).
        figures = demo.seed_figures()
        self.stdout.write(
            json.dumps(
                {
                    "bench": "seed_demo",
                    "scale": scale,
                    "seed": seed,
                    "database": connection.vendor,
                    "seconds": round(seconds, 1),
                    "cpu_seconds": round(cpu, 1),
                    **figures,
                    "load_avg": round(os.getloadavg()[0], 2),
                }
            )
        )
